import type { HazardStatus } from '../store/rows';

export type HazardAction =
  'REPORT' | 'START_RECTIFICATION' | 'SUBMIT_FOR_VERIFICATION' | 'PASS_VERIFICATION' | 'FAIL_VERIFICATION';

/**
 * The hazard lifecycle (DOMAIN.md): REPORTED → RECTIFYING → PENDING_VERIFICATION → CLOSED (销号);
 * a failed verification returns it to RECTIFYING. CLOSED is final.
 */
const STEPS: Readonly<Record<HazardStatus, Partial<Record<HazardAction, HazardStatus>>>> = {
  REPORTED: { START_RECTIFICATION: 'RECTIFYING' },
  RECTIFYING: { SUBMIT_FOR_VERIFICATION: 'PENDING_VERIFICATION' },
  PENDING_VERIFICATION: { PASS_VERIFICATION: 'CLOSED', FAIL_VERIFICATION: 'RECTIFYING' },
  CLOSED: {},
};

/** The status `action` leads to from `from`, or null when the step is not allowed. */
export function nextHazardStatus(from: HazardStatus, action: HazardAction): HazardStatus | null {
  return STEPS[from][action] ?? null;
}

export function allowedHazardActions(from: HazardStatus): HazardAction[] {
  return Object.keys(STEPS[from]) as HazardAction[];
}

/** Whether an open hazard is past its deadline, compared as calendar days (YYYY-MM-DD sorts lexically). */
export function isOverdue(status: HazardStatus, deadline: string, today: string): boolean {
  return status !== 'CLOSED' && deadline < today;
}
