import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';

const LARGE = `{ enterprises(first: 100) { edges { node { id name creditCode riskLevel } } } }`;
const SMALL = `{ enterprises(first: 1) { totalCount } }`;

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** node:http rather than fetch, which would decode the body and hide what went over the wire. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<Raw>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ PLAYGROUND: 'true' });
});
afterAll(async () => {
  await sys?.stop();
});

const query = (url: string, text: string, encoding?: string) =>
  send(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${sys.adminToken}`,
      ...(encoding ? { 'accept-encoding': encoding } : {}),
    },
    body: JSON.stringify({ query: text }),
  });

describe('response compression', () => {
  it('gzips a large GraphQL answer for a client that accepts it, to the same JSON as the plain answer', async () => {
    const identity = await query(sys.gatewayUrl, LARGE);
    expect(identity.status).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
    const json = JSON.parse(identity.body.toString());
    expect(json.data.enterprises.edges).toHaveLength(100);

    const gzip = await query(sys.gatewayUrl, LARGE, 'gzip');
    expect(gzip.status).toBe(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(gzip.body.length).toBeLessThan(identity.body.length / 3);
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(json);
  });

  it('leaves answers under 1 KB as they are', async () => {
    const small = await query(sys.gatewayUrl, SMALL, 'gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.length).toBeLessThan(1024);
    expect(JSON.parse(small.body.toString())).toMatchObject({
      data: { enterprises: { totalCount: expect.any(Number) } },
    });
  });

  it('serves the precompressed playground page compressed once', async () => {
    const page = await send(`${sys.gatewayOrigin}/`, {
      headers: { accept: 'text/html', 'accept-encoding': 'gzip' },
    });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    const html = gunzipSync(page.body).toString();
    expect(html.trimStart().toLowerCase()).toMatch(/^<!doctype html>/);
  });

  it('with COMPRESSION=false answers plain whatever the client accepts', async () => {
    const { url } = await sys.extraGateway({ COMPRESSION: 'false' });
    const res = await query(url, LARGE, 'gzip, br');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString()).data.enterprises.edges).toHaveLength(100);
  });
});
