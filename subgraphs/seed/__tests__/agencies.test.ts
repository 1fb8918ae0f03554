import { agencyScore } from '../../supervision/domain/agencyScore';
import { creditCodeCheckChar } from '../../supervision/domain/creditCode';
import { generateDataset } from '..';

const NOW = new Date('2026-01-15T08:00:00.000Z');

describe('seeded service agencies', () => {
  const { supervision: sup } = generateDataset({ scale: 'demo', now: NOW });
  const agencies = sup.service_agency!;
  const contracts = sup.agency_contract!;

  it('are deterministic', () => {
    const again = generateDataset({ scale: 'demo', now: NOW }).supervision;
    expect(again.service_agency).toEqual(agencies);
    expect(again.agency_contract).toEqual(contracts);
    expect(again.agency_rating).toEqual(sup.agency_rating);
  });

  it('have clients, valid credit codes, and exactly one is blacklisted', () => {
    expect(agencies).toHaveLength(6);
    for (const a of agencies) {
      expect(a.credit_code[17]).toBe(creditCodeCheckChar(a.credit_code.slice(0, 17)));
      expect(contracts.filter((c) => c.agency_id === a.id).length).toBeGreaterThanOrEqual(1);
    }
    expect(agencies.filter((a) => a.blacklisted_at !== null).map((a) => a.score < 60)).toEqual([true]);
    expect(agencies.filter((a) => a.score < 60)).toHaveLength(1);
  });

  it("score by the platform's rule: inspection hazards at clients since their contracts", () => {
    for (const a of agencies) {
      const misses = { GENERAL: 0, MAJOR: 0 };
      for (const c of contracts.filter((c) => c.agency_id === a.id))
        for (const h of sup.hazard)
          if (
            h.enterprise_id === c.enterprise_id &&
            h.source === 'INSPECTION' &&
            h.found_at >= c.contracted_at
          )
            misses[h.level]++;
      expect(a.score).toBe(agencyScore(misses));
    }
  });

  it('are rated only by their clients, after contracting, once each', () => {
    const contracted = new Map(contracts.map((c) => [`${c.agency_id}/${c.enterprise_id}`, c.contracted_at]));
    const keys = sup.agency_rating!.map((r) => `${r.agency_id}/${r.enterprise_id}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of sup.agency_rating!) {
      expect(r.rated_at >= contracted.get(`${r.agency_id}/${r.enterprise_id}`)!).toBe(true);
      expect(r.stars).toBeGreaterThanOrEqual(1);
      expect(r.stars).toBeLessThanOrEqual(5);
    }
    expect(sup.agency_rating!.length).toBeGreaterThan(0);
  });
});
