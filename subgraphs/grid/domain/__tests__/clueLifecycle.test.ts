import { allowedClueActions, isFinalClueStatus, nextClueStatus } from '../clueLifecycle';
import type { ClueAction, ClueStatus } from '../clueLifecycle';

const STATUSES: ClueStatus[] = [
  'NEW',
  'CHECKING',
  'RECTIFIED',
  'INVALID',
  'REFUSED',
  'REFERRED',
  'CASE_OPENED',
  'CLOSED',
];
const ACTIONS: ClueAction[] = [
  'START_CHECK',
  'RECORD_RECTIFIED',
  'RECORD_INVALID',
  'RECORD_REFUSED',
  'REFER',
  'OPEN_CASE',
  'CLOSE',
];

describe('clue lifecycle', () => {
  it('allows exactly the documented steps', () => {
    const table: Record<string, Record<string, string>> = {};
    for (const s of STATUSES) {
      for (const a of ACTIONS) {
        const to = nextClueStatus(s, a);
        if (to) (table[s] ??= {})[a] = to;
      }
    }
    expect(table).toEqual({
      NEW: { START_CHECK: 'CHECKING' },
      CHECKING: { RECORD_RECTIFIED: 'RECTIFIED', RECORD_INVALID: 'INVALID', RECORD_REFUSED: 'REFUSED' },
      REFUSED: { REFER: 'REFERRED' },
      REFERRED: { OPEN_CASE: 'CASE_OPENED', CLOSE: 'CLOSED' },
      CASE_OPENED: { CLOSE: 'CLOSED' },
    });
  });

  it('walks the refusal path to CLOSED', () => {
    const path: ClueAction[] = ['START_CHECK', 'RECORD_REFUSED', 'REFER', 'OPEN_CASE', 'CLOSE'];
    const seen = path.reduce<ClueStatus[]>(
      (acc, a) => [...acc, nextClueStatus(acc[acc.length - 1]!, a)!],
      ['NEW'],
    );
    expect(seen).toEqual(['NEW', 'CHECKING', 'REFUSED', 'REFERRED', 'CASE_OPENED', 'CLOSED']);
  });

  it('refuses skipping the on-site check or referring a clue that was not refused', () => {
    expect(nextClueStatus('NEW', 'RECORD_REFUSED')).toBeNull();
    expect(nextClueStatus('NEW', 'REFER')).toBeNull();
    expect(nextClueStatus('CHECKING', 'REFER')).toBeNull();
    expect(nextClueStatus('RECTIFIED', 'REFER')).toBeNull();
    expect(allowedClueActions('CHECKING')).toEqual(['RECORD_RECTIFIED', 'RECORD_INVALID', 'RECORD_REFUSED']);
  });

  it('has RECTIFIED, INVALID and CLOSED as its final states', () => {
    expect(STATUSES.filter(isFinalClueStatus)).toEqual(['RECTIFIED', 'INVALID', 'CLOSED']);
  });
});
