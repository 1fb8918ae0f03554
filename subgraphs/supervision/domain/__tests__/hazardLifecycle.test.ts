import { allowedHazardActions, isOverdue, nextHazardStatus } from '../hazardLifecycle';

describe('hazard lifecycle', () => {
  it('allows exactly the documented steps', () => {
    expect(nextHazardStatus('REPORTED', 'START_RECTIFICATION')).toBe('RECTIFYING');
    expect(nextHazardStatus('RECTIFYING', 'SUBMIT_FOR_VERIFICATION')).toBe('PENDING_VERIFICATION');
    expect(nextHazardStatus('PENDING_VERIFICATION', 'PASS_VERIFICATION')).toBe('CLOSED');
    expect(nextHazardStatus('PENDING_VERIFICATION', 'FAIL_VERIFICATION')).toBe('RECTIFYING');
    expect(allowedHazardActions('REPORTED')).toEqual(['START_RECTIFICATION']);
    expect(allowedHazardActions('PENDING_VERIFICATION')).toEqual(['PASS_VERIFICATION', 'FAIL_VERIFICATION']);
  });

  it.each([
    ['REPORTED', 'PASS_VERIFICATION'],
    ['REPORTED', 'SUBMIT_FOR_VERIFICATION'],
    ['RECTIFYING', 'PASS_VERIFICATION'],
    ['RECTIFYING', 'START_RECTIFICATION'],
    ['CLOSED', 'FAIL_VERIFICATION'],
    ['CLOSED', 'START_RECTIFICATION'],
    ['REPORTED', 'REPORT'],
  ] as const)('refuses %s → %s', (from, action) => {
    expect(nextHazardStatus(from, action)).toBeNull();
  });

  it('is overdue only when open and past the deadline day', () => {
    expect(isOverdue('RECTIFYING', '2026-01-09', '2026-01-10')).toBe(true);
    expect(isOverdue('RECTIFYING', '2026-01-10', '2026-01-10')).toBe(false);
    expect(isOverdue('CLOSED', '2025-01-01', '2026-01-10')).toBe(false);
  });
});
