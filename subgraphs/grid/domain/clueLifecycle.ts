/** States of a grid clue (线索), DOMAIN.md "Grid clues". */
export type ClueStatus =
  'NEW' | 'CHECKING' | 'RECTIFIED' | 'INVALID' | 'REFUSED' | 'REFERRED' | 'CASE_OPENED' | 'CLOSED';

/** What the on-site check found: fixed, nothing there, or the enterprise refuses to rectify. */
export type CheckOutcome = 'RECTIFIED' | 'INVALID' | 'REFUSED';

export type ClueAction =
  'START_CHECK' | 'RECORD_RECTIFIED' | 'RECORD_INVALID' | 'RECORD_REFUSED' | 'REFER' | 'OPEN_CASE' | 'CLOSE';

/**
 * The clue lifecycle: NEW → CHECKING (a grid member on site) → RECTIFIED or INVALID (final), or
 * REFUSED → REFERRED (to the district's enforcement queue) → CASE_OPENED (an officer took the
 * task) → CLOSED with the enforcement outcome written back. REFERRED may also close directly when
 * the decision arrives before (or without) the case-opened event: events can come in any order.
 */
const STEPS: Readonly<Record<ClueStatus, Partial<Record<ClueAction, ClueStatus>>>> = {
  NEW: { START_CHECK: 'CHECKING' },
  CHECKING: { RECORD_RECTIFIED: 'RECTIFIED', RECORD_INVALID: 'INVALID', RECORD_REFUSED: 'REFUSED' },
  RECTIFIED: {},
  INVALID: {},
  REFUSED: { REFER: 'REFERRED' },
  REFERRED: { OPEN_CASE: 'CASE_OPENED', CLOSE: 'CLOSED' },
  CASE_OPENED: { CLOSE: 'CLOSED' },
  CLOSED: {},
};

/** Who takes each step: grid staff in the field, or the enforcement platform through events. */
export const CLUE_ACTOR: Readonly<Record<ClueAction, 'GRID' | 'ENFORCEMENT'>> = {
  START_CHECK: 'GRID',
  RECORD_RECTIFIED: 'GRID',
  RECORD_INVALID: 'GRID',
  RECORD_REFUSED: 'GRID',
  REFER: 'GRID',
  OPEN_CASE: 'ENFORCEMENT',
  CLOSE: 'ENFORCEMENT',
};

export const CHECK_ACTION: Readonly<Record<CheckOutcome, ClueAction>> = {
  RECTIFIED: 'RECORD_RECTIFIED',
  INVALID: 'RECORD_INVALID',
  REFUSED: 'RECORD_REFUSED',
};

/** The status `action` leads to from `from`, or null when the step is not allowed. */
export function nextClueStatus(from: ClueStatus, action: ClueAction): ClueStatus | null {
  return STEPS[from][action] ?? null;
}

export function allowedClueActions(from: ClueStatus): ClueAction[] {
  return Object.keys(STEPS[from]) as ClueAction[];
}

/** Final states: nothing more happens to the clue. */
export const isFinalClueStatus = (s: ClueStatus): boolean => allowedClueActions(s).length === 0;
