import { compareTasks, describeFactors, priority } from '../priority';
import type { PriorityFactors } from '../priority';

const base: PriorityFactors = {
  riskLevel: null,
  overdueDays: 0,
  refusals: 0,
  recentAlarms: 0,
  daysSinceInspection: 0,
};

describe('enforcement priority', () => {
  it('adds the documented terms, each capped', () => {
    expect(priority(base)).toBe(0);
    expect(priority({ ...base, riskLevel: 'MAJOR' })).toBe(40);
    expect(priority({ ...base, riskLevel: 'SIGNIFICANT' })).toBe(25);
    expect(priority({ ...base, riskLevel: 'GENERAL' })).toBe(10);
    expect(priority({ ...base, riskLevel: 'LOW' })).toBe(0);
    expect(priority({ ...base, overdueDays: 12 })).toBe(6);
    expect(priority({ ...base, overdueDays: 400 })).toBe(30);
    expect(priority({ ...base, refusals: 1 })).toBe(50);
    expect(priority({ ...base, refusals: 7 })).toBe(150);
    expect(priority({ ...base, recentAlarms: 3 })).toBe(15);
    expect(priority({ ...base, recentAlarms: 40 })).toBe(30);
    expect(priority({ ...base, daysSinceInspection: 73 })).toBe(4);
    expect(priority({ ...base, daysSinceInspection: 1000 })).toBe(20);
    expect(priority({ ...base, daysSinceInspection: null })).toBe(20);
    // 25 + 0.5×20 + 50×2 + 5×1 + 20×100/365 = 140 + 5.479… → 145.5
    expect(
      priority({
        riskLevel: 'SIGNIFICANT',
        overdueDays: 20,
        refusals: 2,
        recentAlarms: 1,
        daysSinceInspection: 100,
      }),
    ).toBe(145.5);
  });

  it('weighs one refusal above a MAJOR risk, and three above every other factor at its cap', () => {
    const worstWithout = priority({
      riskLevel: 'MAJOR',
      overdueDays: 60,
      refusals: 0,
      recentAlarms: 6,
      daysSinceInspection: null,
    });
    expect(worstWithout).toBe(120);
    expect(priority({ ...base, refusals: 1 })).toBeGreaterThan(priority({ ...base, riskLevel: 'MAJOR' }));
    expect(priority({ ...base, refusals: 3 })).toBeGreaterThan(worstWithout);
  });

  it('orders by priority, then the older task, then the id', () => {
    const t = (id: string, p: number, at: string) => ({ id, priority: p, createdAt: new Date(at) });
    const tasks = [
      t('HAZARD:b', 40, '2026-01-02T00:00:00Z'),
      t('CLUE:x', 70, '2026-01-05T00:00:00Z'),
      t('HAZARD:a', 40, '2026-01-02T00:00:00Z'),
      t('INSPECTION:e', 40, '2026-01-01T00:00:00Z'),
      t('ALARMS:z', 20.5, '2026-01-01T00:00:00Z'),
    ];
    expect([...tasks].sort(compareTasks).map((x) => x.id)).toEqual([
      'CLUE:x',
      'INSPECTION:e',
      'HAZARD:a',
      'HAZARD:b',
      'ALARMS:z',
    ]);
  });

  it('explains the factors that raise a task', () => {
    expect(
      describeFactors({
        riskLevel: 'MAJOR',
        overdueDays: 3,
        refusals: 1,
        recentAlarms: 2,
        daysSinceInspection: null,
      }),
    ).toEqual([
      '重大风险企业 (MAJOR risk)',
      '隐患逾期 3 天 (hazard overdue)',
      '拒不整改线索 1 条 (refusals)',
      '近30天报警 2 次 (recent alarms)',
      '从未执法检查 (never inspected)',
    ]);
  });
});
