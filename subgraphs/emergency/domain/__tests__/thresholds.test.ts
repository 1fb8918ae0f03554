import {
  DEFAULT_THRESHOLDS,
  batchDuplicates,
  evolve,
  evolveAll,
  nextLevel,
  screenReading,
} from '../thresholds';
import type { DeviceTrack, EpisodeAlarm, Step } from '../thresholds';
import type { DeviceKind, DeviceState } from '../../store/rows';

const T = DEFAULT_THRESHOLDS;
const NOW = new Date('2026-01-15T08:00:00.000Z');
const at = (s: number) => new Date(NOW.getTime() - 3_600_000 + s * 1000);

function track(kind: DeviceKind, state: DeviceState, episode: EpisodeAlarm | null = null): DeviceTrack {
  return { kind, state, lastReadingAt: at(0), stateSince: at(0), episode };
}

/** Runs values one second apart; alarm ids are A1, A2, … */
function run(start: DeviceTrack, values: readonly number[]): { steps: Step[]; end: DeviceTrack } {
  let n = 0;
  let t = start;
  const steps: Step[] = [];
  values.forEach((value, i) => {
    const next = evolve(t, { at: at(i + 1), value }, T, () => `A${++n}`);
    t = next.track;
    steps.push(next.step);
  });
  return { steps, end: t };
}

const summary = (steps: readonly Step[]) =>
  steps.map(
    (s) =>
      `${s.state}${s.effect ? ` ${s.effect.type}${'severity' in s.effect ? `:${s.effect.severity}` : ''}` : ''}`,
  );

describe('screenReading', () => {
  const gas = { kind: 'GAS' as const };
  const ok = { at: NOW, value: 10, unit: '%LEL' };

  it('accepts a plausible reading in the kind’s unit, ℃ and case differences included', () => {
    expect(screenReading(gas, ok, T, NOW)).toBeNull();
    expect(screenReading(gas, { ...ok, unit: ' %lel ' }, T, NOW)).toBeNull();
    expect(screenReading({ kind: 'TEMPERATURE' }, { at: NOW, value: -12, unit: '℃' }, T, NOW)).toBeNull();
    expect(screenReading(gas, { ...ok, value: 100 }, T, NOW)).toBeNull();
  });

  it.each([
    ['unknown device', null, ok, 'UNKNOWN_DEVICE'],
    ['NaN', gas, { ...ok, value: Number.NaN }, 'MALFORMED'],
    ['infinite', gas, { ...ok, value: Number.POSITIVE_INFINITY }, 'MALFORMED'],
    ['negative gas', gas, { ...ok, value: -0.1 }, 'MALFORMED'],
    ['over 100 %LEL', gas, { ...ok, value: 100.1 }, 'MALFORMED'],
    ['negative smoke', { kind: 'SMOKE' as const }, { ...ok, value: -1, unit: 'dB/m' }, 'MALFORMED'],
    ['invalid instant', gas, { ...ok, at: new Date('nope') }, 'MALFORMED'],
    ['wrong unit', gas, { ...ok, unit: 'ppm' }, 'UNIT_MISMATCH'],
    ['another kind’s unit', { kind: 'SMOKE' as const }, { ...ok, value: 0.1 }, 'UNIT_MISMATCH'],
    ['over 5 min ahead', gas, { ...ok, at: new Date(NOW.getTime() + 300_001) }, 'FUTURE_TIMESTAMP'],
  ])('rejects %s', (_name, device, reading, reason) => {
    expect(screenReading(device, reading, T, NOW)?.reason).toBe(reason);
  });

  it('tolerates exactly 5 minutes of clock drift', () => {
    expect(screenReading(gas, { ...ok, at: new Date(NOW.getTime() + 300_000) }, T, NOW)).toBeNull();
  });
});

describe('batchDuplicates', () => {
  it('flags every repeat of a device and instant after the first, ids compared case-insensitively', () => {
    const d = 'dddddddd-dddd-4ddd-8ddd-ddddddddddd1';
    expect(
      batchDuplicates([
        { index: 0, deviceId: d, at: at(1) },
        { index: 1, deviceId: d.toUpperCase(), at: at(1) },
        { index: 2, deviceId: d, at: at(2) },
        { index: 3, deviceId: d, at: at(1) },
      ]),
    ).toEqual(new Set([1, 3]));
  });
});

describe('nextLevel (gas 25/50, hysteresis 5)', () => {
  it.each([
    [0, 24.9, 0],
    [0, 25, 1],
    [0, 50, 2],
    [1, 20, 1], // exactly setting − hysteresis: still in alarm
    [1, 19.99, 0],
    [2, 45, 2],
    [2, 44.9, 1],
    [2, 19.9, 0],
    [1, 60, 2],
  ])('from level %d, %d %%LEL → level %d', (from, value, to) => {
    expect(nextLevel(from, value, T.GAS)).toBe(to);
  });
});

describe('evolve: gas episodes', () => {
  it('raises nothing under the level-1 setting', () => {
    const { steps, end } = run(track('GAS', 'NORMAL'), [0, 12, 24.9]);
    expect(summary(steps)).toEqual(['NORMAL', 'NORMAL', 'NORMAL']);
    expect(end.episode).toBeNull();
    expect(end.lastReadingAt).toEqual(at(3));
  });

  it('raises one MEDIUM alarm per episode and nothing while it stays above', () => {
    const { steps, end } = run(track('GAS', 'NORMAL'), [30, 35, 22, 40]);
    expect(summary(steps)).toEqual([
      'LEVEL1_ALARM RAISE:MEDIUM',
      'LEVEL1_ALARM',
      'LEVEL1_ALARM',
      'LEVEL1_ALARM',
    ]);
    expect(end.episode).toEqual({ id: 'A1', severity: 'MEDIUM', closed: false });
    expect(end.stateSince).toEqual(at(1));
  });

  it('raises HIGH directly when a reading jumps to level 2', () => {
    const { steps } = run(track('GAS', 'NORMAL'), [55]);
    expect(summary(steps)).toEqual(['LEVEL2_ALARM RAISE:HIGH']);
  });

  it('escalates the episode’s alarm from level 1 to 2, and never lowers it', () => {
    const { steps, end } = run(track('GAS', 'NORMAL'), [30, 50, 44, 52]);
    expect(summary(steps)).toEqual([
      'LEVEL1_ALARM RAISE:MEDIUM',
      'LEVEL2_ALARM ESCALATE:HIGH',
      'LEVEL1_ALARM',
      'LEVEL2_ALARM',
    ]);
    expect(steps[1]!.effect).toEqual({ type: 'ESCALATE', alarmId: 'A1', from: 'MEDIUM', severity: 'HIGH' });
    expect(end.episode).toEqual({ id: 'A1', severity: 'HIGH', closed: false });
  });

  it('clears only below the setting minus the hysteresis, then a new crossing raises a second alarm', () => {
    const { steps, end } = run(track('GAS', 'NORMAL'), [26, 20, 19.9, 24, 25]);
    expect(summary(steps)).toEqual([
      'LEVEL1_ALARM RAISE:MEDIUM',
      'LEVEL1_ALARM',
      'NORMAL CLEAR',
      'NORMAL',
      'LEVEL1_ALARM RAISE:MEDIUM',
    ]);
    expect(steps[2]!.effect).toEqual({ type: 'CLEAR', alarmId: 'A1' });
    expect(steps[4]!.effect).toMatchObject({ alarmId: 'A2' });
    expect(end.episode?.id).toBe('A2');
  });

  it('continues an episode the device was already in', () => {
    const { steps } = run(
      track('GAS', 'LEVEL1_ALARM', { id: 'OLD', severity: 'MEDIUM', closed: false }),
      [40, 55, 10],
    );
    expect(steps.map((s) => s.effect)).toEqual([
      null,
      { type: 'ESCALATE', alarmId: 'OLD', from: 'MEDIUM', severity: 'HIGH' },
      { type: 'CLEAR', alarmId: 'OLD' },
    ]);
  });

  it('raises a new alarm when an episode whose alarm officers closed gets worse; clears it still', () => {
    const closed = { id: 'OLD', severity: 'MEDIUM' as const, closed: true };
    expect(summary(run(track('GAS', 'LEVEL1_ALARM', closed), [30, 60]).steps)).toEqual([
      'LEVEL1_ALARM',
      'LEVEL2_ALARM RAISE:HIGH',
    ]);
    expect(run(track('GAS', 'LEVEL1_ALARM', closed), [5]).steps[0]!.effect).toEqual({
      type: 'CLEAR',
      alarmId: 'OLD',
    });
  });

  it('handles an alarm state without a known alarm: staying is quiet, rising raises, falling just clears', () => {
    const { steps } = run(track('GAS', 'LEVEL1_ALARM'), [30, 60, 0]);
    expect(summary(steps)).toEqual(['LEVEL1_ALARM', 'LEVEL2_ALARM RAISE:HIGH', 'NORMAL CLEAR']);
    expect(summary(run(track('GAS', 'LEVEL2_ALARM'), [0]).steps)).toEqual(['NORMAL']);
  });
});

describe('evolve: single-level kinds', () => {
  it('smoke: HIGH in LEVEL2_ALARM at 0.15 dB/m, clears below 0.12', () => {
    const { steps } = run(track('SMOKE', 'NORMAL'), [0.14, 0.15, 0.8, 0.12, 0.119, 0.2]);
    expect(summary(steps)).toEqual([
      'NORMAL',
      'LEVEL2_ALARM RAISE:HIGH',
      'LEVEL2_ALARM',
      'LEVEL2_ALARM',
      'NORMAL CLEAR',
      'LEVEL2_ALARM RAISE:HIGH',
    ]);
  });

  it('temperature: MEDIUM in LEVEL1_ALARM at 57 °C, clears below 54 °C', () => {
    const { steps } = run(track('TEMPERATURE', 'NORMAL'), [56.9, 57, 90, 54, 53.9]);
    expect(summary(steps)).toEqual([
      'NORMAL',
      'LEVEL1_ALARM RAISE:MEDIUM',
      'LEVEL1_ALARM',
      'LEVEL1_ALARM',
      'NORMAL CLEAR',
    ]);
  });
});

describe('evolve: other device states', () => {
  it.each(['OFFLINE', 'FAULT'] as const)(
    'a reading brings a %s device back, alarming if it must',
    (state) => {
      expect(summary(run(track('GAS', state), [3]).steps)).toEqual(['NORMAL']);
      expect(summary(run(track('GAS', state), [30]).steps)).toEqual(['LEVEL1_ALARM RAISE:MEDIUM']);
    },
  );

  it('an OFFLINE device that went offline mid-episode resumes that episode', () => {
    const episode = { id: 'OLD', severity: 'HIGH' as const, closed: false };
    expect(summary(run(track('GAS', 'OFFLINE', episode), [46, 10]).steps)).toEqual([
      'LEVEL2_ALARM',
      'NORMAL CLEAR',
    ]);
  });

  it.each(['MASKED', 'SELF_TEST'] as const)(
    '%s: readings are applied but raise, escalate and clear nothing',
    (state) => {
      const episode = { id: 'OLD', severity: 'MEDIUM' as const, closed: false };
      const { steps, end } = run(track('GAS', state, episode), [80, 0]);
      expect(steps).toEqual([
        { applied: true, state, effect: null },
        { applied: true, state, effect: null },
      ]);
      expect(end.episode).toBe(episode);
      expect(end.lastReadingAt).toEqual(at(2));
    },
  );
});

describe('out-of-order readings', () => {
  it('are not applied: no state change, no alarm', () => {
    const start = { ...track('GAS', 'NORMAL'), lastReadingAt: at(10) };
    const older = evolve(start, { at: at(5), value: 90 }, T, () => 'A1');
    expect(older.step).toEqual({ applied: false, state: 'NORMAL', effect: null });
    expect(older.track).toBe(start);
    // The newest applied reading's instant itself is not newer either.
    expect(evolve(start, { at: at(10), value: 90 }, T, () => 'A1').step.applied).toBe(false);
  });

  it('a batch is applied in time order whatever its request order', () => {
    const { steps, track: end } = evolveAll(
      track('GAS', 'NORMAL'),
      [
        { index: 0, at: at(3), value: 10 },
        { index: 1, at: at(1), value: 30 },
        { index: 2, at: at(2), value: 55 },
      ],
      T,
      () => 'A1',
    );
    expect(steps.get(1)!.effect).toMatchObject({ type: 'RAISE', severity: 'MEDIUM' });
    expect(steps.get(2)!.effect).toMatchObject({ type: 'ESCALATE', severity: 'HIGH' });
    expect(steps.get(0)!.effect).toEqual({ type: 'CLEAR', alarmId: 'A1' });
    expect(end.state).toBe('NORMAL');
  });
});
