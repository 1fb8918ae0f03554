/**
 * Events the grid platform produces (its outbox, relayed to the streams) and the payloads it
 * expects from the enforcement platform. Consumers validate what they receive; these types are the
 * producer's promise.
 */

/** Stream `patrols`, type `PatrolHazardFound`: a member reported a hazard on a patrol. */
export interface PatrolHazardFound {
  patrolId: string;
  enterpriseId: string;
  gridId: string;
  memberId: string;
  /** Recorded as the hazard's `foundBy`. */
  memberName: string;
  description: string;
  level: 'GENERAL' | 'MAJOR';
  /** ISO-8601 instant of the patrol. */
  foundAt: string;
}

/** Stream `clues`, type `ClueChecked`: the on-site check's outcome (feeds supervision's statistics). */
export interface ClueChecked {
  clueId: string;
  enterpriseId: string | null;
  districtCode: string;
  gridId: string;
  category: string;
  outcome: 'RECTIFIED' | 'INVALID' | 'REFUSED';
  explanation: string;
  checkedAt: string;
}

/** Stream `clues`, type `ClueReferred`: a refused clue goes to the district's enforcement queue. */
export interface ClueReferred {
  clueId: string;
  enterpriseId: string;
  districtCode: string;
  gridId: string;
  category: string;
  text: string;
  /** The on-site explanation of the refusal. */
  explanation: string | null;
  /** Why enforcement is needed, in the referring member's words. */
  reason: string;
  referredBy: string;
  referredAt: string;
}

export const GRID_STREAMS = { patrols: 'patrols', clues: 'clues', enforcement: 'enforcement' } as const;
