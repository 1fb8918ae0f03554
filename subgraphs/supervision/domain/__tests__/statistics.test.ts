import { coverageRatio, dense, share, shanghaiYear } from '../statistics';

describe('shanghaiYear', () => {
  it('bounds the calendar year at Qingdao midnight', () => {
    expect(shanghaiYear(2026)).toEqual({
      start: '2026-01-01T00:00:00+08:00',
      end: '2027-01-01T00:00:00+08:00',
    });
    // 2025-12-31T16:00Z is already 2026 in Qingdao.
    expect(new Date(shanghaiYear(2026).start).toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });
});

describe('share and coverageRatio', () => {
  it('rounds shares to 4 decimals and has no share of nothing', () => {
    expect(share(1, 3)).toBe(0.3333);
    expect(share(2, 2)).toBe(1);
    expect(share(0, 5)).toBe(0);
    expect(share(0, 0)).toBeNull();
  });

  it('is 2 when coverage doubled and null when last year was 0', () => {
    expect(coverageRatio(0.5, 0.25)).toBe(2);
    expect(coverageRatio(0.25, 0.5)).toBe(0.5);
    expect(coverageRatio(0.5, 0)).toBeNull();
    expect(coverageRatio(null, null)).toBeNull();
  });
});

describe('dense', () => {
  it('lists every key in order with 0 for the missing ones', () => {
    expect(
      dense(
        ['A', 'B', 'C'],
        new Map([
          ['C', 2],
          ['A', 1],
        ]),
      ),
    ).toEqual([
      { key: 'A', count: 1 },
      { key: 'B', count: 0 },
      { key: 'C', count: 2 },
    ]);
  });
});
