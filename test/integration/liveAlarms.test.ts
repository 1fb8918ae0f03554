import { createRedisStream } from '../../common/events';
import { startRedisServer } from '../harness/redisServer';
import { subscribe } from '../harness/subscriptions';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';

const dataset = seededDataset();
// Gas detectors at rest in 市北区 shops, each at a different enterprise.
const quietGas = dataset.emergency.device.filter(
  (d) => d.kind === 'GAS' && d.state === 'NORMAL' && d.district_code === '370203' && d.grid_id,
);
const byEnterprise = new Map(quietGas.map((d) => [d.enterprise_id, d]));
const devices = [...byEnterprise.values()];

const INGEST = `mutation($r: [ReadingInput!]!) {
  ingestReadings(readings: $r) { accepted rejected alarmsRaised results { index accepted reason } }
}`;
const LIVE = `subscription Live($f: AlarmFilter, $after: String) {
  alarmRaised(filter: $f, after: $after) {
    id kind severity status districtCode
    device { id }
    enterprise { id name riskLevel grid { name members { name } } }
    nearestFireStations(limit: 2) { station { name } distanceMeters }
  }
}`;

let clock = Date.now();
/** Readings from now on, 50 ms apart: each newer than the seeded last reading and than the one before. */
const reading = (deviceId: string, value: number) => ({
  deviceId,
  at: new Date((clock = Math.max(clock + 50, Date.now()))).toISOString(),
  value,
  unit: '%LEL',
});

describe.each([['the configured event stream'], ['a Redis that goes down and comes back']])(
  'live alarms on %s',
  (mode) => {
    let sys: TestSystem;
    let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    const outage = mode.startsWith('a Redis');

    beforeAll(async () => {
      if (outage) redis = await startRedisServer();
      sys = await startTestSystem(
        {},
        redis ? { events: createRedisStream({ url: redis.url, keyPrefix: 'qsg:live:' }) } : {},
      );
    });
    afterAll(async () => {
      await sys?.stop();
      await redis?.stop();
    });

    const ingest = async (readings: ReturnType<typeof reading>[]) => {
      const res: any = await sys.gql(INGEST, { r: readings });
      expect(res.errors).toBeUndefined();
      return res.data.ingestReadings;
    };

    if (!outage) {
      it('delivers one alarm per episode with fields from all three platforms, and none under the threshold', async () => {
        const [a, b] = devices;
        const sub = await subscribe(sys.gatewayUrl, LIVE, { f: { districtCode: '370203' } });
        try {
          expect(await ingest([reading(a!.id, 10)])).toMatchObject({ accepted: 1, alarmsRaised: 0 });
          expect(await ingest([reading(a!.id, 30)])).toMatchObject({ accepted: 1, alarmsRaised: 1 });
          expect(await ingest([reading(a!.id, 35), reading(a!.id, 40)])).toMatchObject({
            accepted: 2,
            alarmsRaised: 0,
          });
          expect(await ingest([reading(b!.id, 60)])).toMatchObject({ accepted: 1, alarmsRaised: 1 });
          const [first, second] = await sub.waitFor(2);
          // Nothing else arrived in between: the readings under the threshold and within the episode raised nothing.
          expect(sub.received).toHaveLength(2);
          expect(first!.data!.alarmRaised).toMatchObject({
            kind: 'GAS_LEAK',
            severity: 'MEDIUM',
            status: 'ACTIVE',
            device: { id: a!.id },
          });
          expect(second!.data!.alarmRaised).toMatchObject({ severity: 'HIGH', device: { id: b!.id } });
          const enterprise = dataset.supervision.enterprise.find((e) => e.id === a!.enterprise_id)!;
          const alarm = first!.data!.alarmRaised;
          expect(alarm.enterprise).toMatchObject({
            id: enterprise.id,
            name: enterprise.name,
            riskLevel: enterprise.risk_level,
          });
          expect(alarm.enterprise.grid.name).toBe(dataset.grid.grid.find((g) => g.id === a!.grid_id)!.name);
          expect(alarm.enterprise.grid.members.length).toBeGreaterThan(0);
          expect(alarm.nearestFireStations).toHaveLength(2);
          expect(alarm.nearestFireStations[0].distanceMeters).toBeLessThanOrEqual(
            alarm.nearestFireStations[1].distanceMeters,
          );
          expect(first!.extensions!.eventId).toMatch(/^\d+-\d+$/);
        } finally {
          await sub.close();
        }
      });

      it('resolves each event once per group of equal subscriptions, and filters per group', async () => {
        const [, , c] = devices;
        const same = await Promise.all(
          Array.from({ length: 5 }, () => subscribe(sys.gatewayUrl, LIVE, { f: { districtCode: '370203' } })),
        );
        const other = await subscribe(sys.gatewayUrl, LIVE, { f: { districtCode: '370212' } });
        try {
          const before = sys.gateway.subscriptions!.hub.resolutions;
          await ingest([reading(c!.id, 55)]);
          await Promise.all(same.map((s) => s.waitFor(1)));
          expect(same.map((s) => s.received[0]!.data!.alarmRaised.device.id)).toEqual(Array(5).fill(c!.id));
          expect(sys.gateway.subscriptions!.hub.resolutions - before).toBe(1);
          expect(other.received).toEqual([]);
        } finally {
          await Promise.all([...same, other].map((s) => s.close()));
        }
      });

      it('rejects bad readings with reasons and accepts the rest of the batch', async () => {
        const [, , , d] = devices;
        const res = await ingest([
          reading('00000000-0000-4000-8000-000000000000', 30),
          reading(d!.id, -5),
          { ...reading(d!.id, 30), unit: '°C' },
          { ...reading(d!.id, 5), at: new Date(Date.now() + 3600_000).toISOString() },
          reading(d!.id, 5),
        ]);
        expect(res).toMatchObject({ accepted: 1, rejected: 4, alarmsRaised: 0 });
        expect(res.results.map((r: any) => r.reason)).toEqual([
          'UNKNOWN_DEVICE',
          'MALFORMED',
          'UNIT_MISMATCH',
          'FUTURE_TIMESTAMP',
          null,
        ]);
      });
    }

    it('gives a client that reconnects with its last event id exactly what it missed, in order', async () => {
      const pool = devices.slice(outage ? 10 : 5);
      const first = await subscribe(sys.gatewayUrl, LIVE, {});
      await ingest([reading(pool[0]!.id, 30)]);
      const [seen] = await first.waitFor(1);
      await first.close();
      const lastId = seen!.extensions!.eventId!;

      if (outage) await redis!.stop();
      // Raised while the client is away (and, in the outage run, while Redis is down too).
      for (const dev of pool.slice(1, 4))
        expect(await ingest([reading(dev.id, 40)])).toMatchObject({ alarmsRaised: 1 });
      if (outage) await redis!.start();

      const again = await subscribe(sys.gatewayUrl, LIVE, { after: lastId });
      try {
        await ingest([reading(pool[4]!.id, 45)]); // live, after the reconnect
        const got = await again.waitFor(4);
        expect(got.map((m) => m.data!.alarmRaised.device.id)).toEqual(pool.slice(1, 5).map((d) => d.id));
        const ids = got.map((m) => m.extensions!.eventId!);
        expect(new Set(ids).size).toBe(4);
        // Nothing more (no duplicate) arrives after a further alarm either.
        await ingest([reading(pool[5]!.id, 45)]);
        await again.waitFor(5);
        expect(again.received.map((m) => m.data!.alarmRaised.device.id)).toEqual(
          pool.slice(1, 6).map((d) => d.id),
        );
      } finally {
        await again.close();
      }
    });
  },
);
