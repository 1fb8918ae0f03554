// 第三方服务机构 of the demo data set: agencies, their clients, ratings and platform scores.
import { agencyScore, isBlacklistedScore } from '../supervision/domain/agencyScore';
import { daysAgo, iso } from './context';
import type { Context } from './context';
import { Random } from './random';
import { creditCode } from './supervision';
import type { AgencyContractSeed, EnterpriseSeed, HazardSeed } from './types';

/** Drawn from a generator of their own, so the agencies never shift the rest of the data set. */
const AGENCY_SEED = 0x51d0_a9e7;
/** The demo's blacklist threshold: `AGENCY_BLACKLIST_SCORE`'s default. */
const SEED_BLACKLIST_SCORE = 60;
const BLACKLISTED_CLIENTS = 3;
const RATING_COMMENTS: Readonly<Record<number, readonly string[]>> = {
  5: ['隐患排查细致，报告及时', '专业负责，整改建议可操作'],
  4: ['服务较好，响应及时'],
  3: ['服务一般，报告模板化'],
  2: ['排查走过场，检查发现的问题没查出来'],
  1: ['只收费不服务'],
};

/**
 * 第三方服务机构: six agencies of the register's agency names, with key and above-scale clients,
 * clients' ratings and scores computed by the platform's rule (domain/agencyScore.ts) from the
 * inspection hazards found at their clients since each contract. The first agency serves the
 * clients with the most inspection findings since long before them, so it is blacklisted; the
 * others drop any client that would take them below the threshold.
 */
export function addServiceAgencies(ctx: Context): void {
  const rng = new Random(AGENCY_SEED);
  const sup = ctx.ds.supervision;
  const names = [...new Set(ctx.agencies)].slice(0, 6);
  const candidates = sup.enterprise.filter((e) => e.tier !== 'SMALL');
  const inspectionHazards = new Map<string, HazardSeed[]>();
  for (const h of sup.hazard)
    if (h.source === 'INSPECTION')
      inspectionHazards.set(h.enterprise_id, [...(inspectionHazards.get(h.enterprise_id) ?? []), h]);
  const missesSince = (clients: readonly AgencyContractSeed[]) => {
    const misses = { GENERAL: 0, MAJOR: 0 };
    for (const c of clients)
      for (const h of inspectionHazards.get(c.enterprise_id) ?? [])
        if (h.found_at >= c.contracted_at) misses[h.level]++;
    return misses;
  };
  const weight = (e: EnterpriseSeed) =>
    agencyScore(missesSince([{ agency_id: '', enterprise_id: e.id, contracted_at: '' }]));
  const worst = candidates.slice().sort((a, b) => weight(a) - weight(b) || (a.id < b.id ? -1 : 1));
  const taken = new Set<string>();
  sup.service_agency = [];
  sup.agency_contract = [];
  sup.agency_rating = [];
  names.forEach((name, i) => {
    const agencyId = rng.uuid();
    const registeredMs = daysAgo(ctx, 800, 1500);
    let contracts: AgencyContractSeed[];
    if (i === 0) {
      contracts = worst.slice(0, BLACKLISTED_CLIENTS).map((e) => ({
        agency_id: agencyId,
        enterprise_id: e.id,
        contracted_at: iso(daysAgo(ctx, 760, 790)),
      }));
    } else {
      const pool = candidates.filter(
        (e) => !taken.has(e.id) && !worst.slice(0, BLACKLISTED_CLIENTS).includes(e),
      );
      contracts = rng.sample(pool, rng.int(3, 7)).map((e) => ({
        agency_id: agencyId,
        enterprise_id: e.id,
        contracted_at: iso(daysAgo(ctx, 30, 700)),
      }));
      while (isBlacklistedScore(agencyScore(missesSince(contracts)), SEED_BLACKLIST_SCORE)) contracts.pop();
    }
    for (const c of contracts) taken.add(c.enterprise_id);
    const score = agencyScore(missesSince(contracts));
    sup.service_agency!.push({
      id: agencyId,
      name,
      credit_code: creditCode(ctx, '370203', rng),
      score,
      blacklisted_at: isBlacklistedScore(score, SEED_BLACKLIST_SCORE) ? iso(daysAgo(ctx, 1, 20)) : null,
      registered_at: iso(registeredMs),
    });
    sup.agency_contract!.push(...contracts);
    for (const c of contracts) {
      if (!rng.chance(0.8)) continue;
      const stars = i === 0 ? rng.int(1, 3) : rng.int(3, 5);
      const contractedMs = Date.parse(c.contracted_at);
      sup.agency_rating!.push({
        agency_id: agencyId,
        enterprise_id: c.enterprise_id,
        stars,
        comment: rng.pick(RATING_COMMENTS[stars]!),
        rated_at: iso(contractedMs + Math.round(rng.next() * (ctx.now - contractedMs))),
      });
    }
  });
}
