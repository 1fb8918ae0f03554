/**
 * The platform's score of a third-party safety service agency (第三方服务机构).
 *
 * Rule: an agency starts at {@link AGENCY_START_SCORE}. Every hazard that a law-enforcement
 * inspection finds (source INSPECTION) at one of its client enterprises on or after the day the
 * contract started is one the enterprise's self-check, which the agency is paid to support, did not
 * report first: an inspector records a hazard only when it is not on the enterprise's list already.
 * Each such miss deducts {@link AGENCY_DEDUCTIONS} points by level (5 per GENERAL, 15 per MAJOR);
 * the score never falls below 0. An agency whose score is below the configured threshold
 * (`AGENCY_BLACKLIST_SCORE`, default 60) is blacklisted and takes no new clients.
 *
 * Clients' star ratings are shown beside the score but do not change it: the score is the
 * platform's judgement, the stars are the clients'.
 */

/** Score of an agency before any miss. */
export const AGENCY_START_SCORE = 100;

/** Points deducted per inspection hazard a client's self-check missed, by hazard level. */
export const AGENCY_DEDUCTIONS: Readonly<Record<MissLevel, number>> = Object.freeze({
  GENERAL: 5,
  MAJOR: 15,
});

export type MissLevel = 'GENERAL' | 'MAJOR';

/** Inspection hazards found at an agency's clients within their contract periods, by level. */
export interface AgencyMisses {
  GENERAL: number;
  MAJOR: number;
}

/** The agency's score: {@link AGENCY_START_SCORE} minus the deductions for its misses, floored at 0. */
export function agencyScore(
  misses: AgencyMisses,
  deductions: Readonly<Record<MissLevel, number>> = AGENCY_DEDUCTIONS,
): number {
  const deducted = misses.GENERAL * deductions.GENERAL + misses.MAJOR * deductions.MAJOR;
  return Math.max(0, AGENCY_START_SCORE - deducted);
}

/** Whether a score puts an agency on the blacklist: strictly below the threshold. */
export const isBlacklistedScore = (score: number, threshold: number): boolean => score < threshold;
