// The load side of the live-alarm benchmark, in its own process: opens the subscribers, then
// pushes readings that raise (and clear) alarms at a fixed rate, and reports delivery latency
// measured from the moment each raising batch was sent to the moment each client received it.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

interface Job {
  gatewayUrl: string;
  token: string;
  ingestUrl: string;
  ingestKey: string;
  devices: string[];
  /** The grid of each device, to know which groups an alarm reaches. */
  deviceGrid: Record<string, string | null>;
  /** Each group: one distinct operation (its own filter), and how many clients run it. */
  groups: { gridId: string | null; clients: number }[];
  alarmsPerSecond: number;
  seconds: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const SELECTION = `id severity device { id } enterprise { name riskLevel grid { name members { name } } }`;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const sentAt = new Map<string, number>(); // device id → when its raising reading left
  const latencies: number[] = [];
  // Alarms raised after the first second: the gateway's and subgraphs' cold start (first
  // connections, caches, compiled code) is behind them.
  const steady: number[] = [];
  let warmUntil = Infinity;
  let delivered = 0;
  const sockets: { dispose: () => void }[] = [];
  const clients = job.groups.reduce((n, g) => n + g.clients, 0);
  const reach = (deviceId: string) =>
    job.groups
      .filter((g) => g.gridId === null || g.gridId === job.deviceGrid[deviceId])
      .reduce((n, g) => n + g.clients, 0);
  let acked = 0;
  await new Promise<void>((resolve) => {
    const assignment = job.groups.flatMap((g, i) => Array<number>(g.clients).fill(i));
    for (const group of assignment) {
      const gridId = job.groups[group]!.gridId;
      const args = gridId ? `(filter: { gridId: "${gridId}" })` : '';
      const client = createClient({
        url: job.gatewayUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: `Bearer ${job.token}` },
      });
      client.subscribe(
        { query: `subscription G${group} { a${group}: alarmRaised${args} { ${SELECTION} } }` },
        {
          next: (msg) => {
            const alarm = (msg.data as Record<string, { device: { id: string } }> | undefined)?.[`a${group}`];
            const t0 = alarm && sentAt.get(alarm.device.id);
            if (t0) {
              latencies.push(performance.now() - t0);
              if (t0 >= warmUntil) steady.push(performance.now() - t0);
            }
            delivered++;
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      client.on('connected', () => {
        if (++acked === clients) resolve();
      });
      sockets.push(client);
    }
  });
  // Subscriptions are registered right after the connection ack; give the server a moment to pin them.
  await new Promise((r) => setTimeout(r, 500));

  const tickMs = 50;
  const perTick = Math.max(1, Math.round((job.alarmsPerSecond * tickMs) / 1000));
  const ticks = Math.round((job.seconds * 1000) / tickMs);
  let next = 0;
  let raised = 0;
  const ingestMs: number[] = [];
  let expectedMessages = 0;
  const clearLag = Math.floor(job.devices.length / 2);
  const started = performance.now();
  warmUntil = started + 1000;
  for (let t = 0; t < ticks; t++) {
    const readings: { deviceId: string; at: string; value: number; unit: string }[] = [];
    // A second past any reading the ingestion phase sent, so none of these is out of order.
    const at = new Date(Date.now() + 1000).toISOString();
    for (let k = 0; k < perTick; k++, next++) {
      const raise = job.devices[next % job.devices.length]!;
      const clear = job.devices[(next + clearLag) % job.devices.length]!;
      readings.push(
        { deviceId: raise, at, value: 30, unit: '%LEL' },
        { deviceId: clear, at, value: 0, unit: '%LEL' },
      );
      sentAt.set(raise, performance.now());
    }
    const postedAt = performance.now();
    void fetch(job.ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${job.ingestKey}` },
      body: JSON.stringify({ readings }),
    }).then(async (r) => {
      const body = (await r.json()) as {
        alarmsRaised: number;
        results: { index: number; alarmId?: string | null }[];
      };
      raised += body.alarmsRaised;
      ingestMs.push(performance.now() - postedAt);
      for (const res of body.results)
        if (res.alarmId) expectedMessages += reach(readings[res.index]!.deviceId);
    });
    const due = started + (t + 1) * tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  // Let the last events arrive.
  const expected = () => expectedMessages;
  const deadline = performance.now() + 10_000;
  while (delivered < expected() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  steady.sort((a, b) => a - b);
  ingestMs.sort((a, b) => a - b);
  for (const s of sockets) s.dispose();
  process.stdout.write(
    JSON.stringify({
      raised,
      alarmsPerSecond: raised / job.seconds,
      delivered,
      expected: expected(),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      steadyP99Ms: percentile(steady, 99),
      ingestP50Ms: percentile(ingestMs, 50),
      ingestP99Ms: percentile(ingestMs, 99),
      elapsed,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
