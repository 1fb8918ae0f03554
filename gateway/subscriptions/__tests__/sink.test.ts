import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { socketSink } from '../sink';

let server: Server;
let wss: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = createServer();
  wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
  await new Promise((r) => server.close(r));
});

/** A client connection and the server's side of it. */
async function connect(): Promise<{ client: WebSocket; socket: WebSocket; request: IncomingMessage }> {
  const accepted = new Promise<[WebSocket, IncomingMessage]>((resolve) =>
    wss.once('connection', (socket, request) => resolve([socket, request])),
  );
  const client = new WebSocket(url);
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const [socket, request] = await accepted;
  return { client, socket, request };
}

describe('socketSink', () => {
  it('sends each payload as a graphql-ws next message of the operation, in order', async () => {
    const { client, socket, request } = await connect();
    const received: unknown[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (m) => {
        received.push(JSON.parse(String(m)));
        if (received.length === 3) resolve();
      }),
    );
    const sink = socketSink({ socket, request }, 'op "1"', 10);
    for (const n of [1, 2, 3]) expect(sink(JSON.stringify({ data: { n } }))).toBe(true);
    await all;
    expect(received).toEqual(
      [1, 2, 3].map((n) => ({ id: 'op "1"', type: 'next', payload: { data: { n } } })),
    );
    client.close();
  });

  it('refuses a client that leaves too much unwritten', async () => {
    const { client, socket, request } = await connect();
    // The client stops reading: once the kernel's buffers are full, writes stay pending.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    const sink = socketSink({ socket, request }, '1', 20);
    const big = JSON.stringify({ data: { blob: 'x'.repeat(64 * 1024) } });
    let accepted = 0;
    while (sink(big) && accepted < 2_000) {
      accepted++;
      await new Promise((r) => setImmediate(r));
    }
    expect(accepted).toBeLessThan(2_000);
    expect(sink(big)).toBe(false);
    client.terminate();
  });
});
