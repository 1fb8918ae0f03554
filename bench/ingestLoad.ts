// The load side of the ingestion benchmark, in its own process: POSTs batches of readings under
// the alarm threshold to the ingestion endpoint with a fixed number of batches in flight.
interface Job {
  ingestUrl: string;
  ingestKey: string;
  devices: string[];
  batch: number;
  inFlight: number;
  seconds: number;
}

const job = JSON.parse(process.argv[2]!) as Job;

async function main(): Promise<void> {
  let accepted = 0;
  let rejected = 0;
  let cursor = 0;
  // Each device's readings move forward in time (a repeated time would be a duplicate).
  const lastAt = new Map<string, number>();
  const at = (device: string) => {
    const t = Math.max((lastAt.get(device) ?? 0) + 1, Date.now());
    lastAt.set(device, t);
    return new Date(t).toISOString();
  };
  const end = performance.now() + job.seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const readings = Array.from({ length: job.batch }, () => {
        const deviceId = job.devices[cursor++ % job.devices.length]!;
        return { deviceId, at: at(deviceId), value: 3, unit: '%LEL' };
      });
      const res = await fetch(job.ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${job.ingestKey}` },
        body: JSON.stringify({ readings }),
      });
      const body = (await res.json()) as { accepted: number; rejected: number };
      accepted += body.accepted;
      rejected += body.rejected;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: job.inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  process.stdout.write(
    JSON.stringify({ readingsPerSecond: accepted / elapsed, accepted, rejected, elapsed }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
