import { AGENCY_START_SCORE, agencyScore, isBlacklistedScore } from '../agencyScore';

describe('agencyScore', () => {
  it('starts at 100 with no misses', () => {
    expect(agencyScore({ GENERAL: 0, MAJOR: 0 })).toBe(AGENCY_START_SCORE);
    expect(AGENCY_START_SCORE).toBe(100);
  });

  it('deducts 5 per GENERAL and 15 per MAJOR miss', () => {
    expect(agencyScore({ GENERAL: 1, MAJOR: 0 })).toBe(95);
    expect(agencyScore({ GENERAL: 0, MAJOR: 1 })).toBe(85);
    expect(agencyScore({ GENERAL: 3, MAJOR: 2 })).toBe(55);
  });

  it('floors at 0', () => {
    expect(agencyScore({ GENERAL: 0, MAJOR: 7 })).toBe(0);
    expect(agencyScore({ GENERAL: 40, MAJOR: 40 })).toBe(0);
  });

  it('takes other deductions', () => {
    expect(agencyScore({ GENERAL: 2, MAJOR: 1 }, { GENERAL: 10, MAJOR: 30 })).toBe(50);
  });
});

describe('isBlacklistedScore', () => {
  it('blacklists strictly below the threshold', () => {
    expect(isBlacklistedScore(59, 60)).toBe(true);
    expect(isBlacklistedScore(60, 60)).toBe(false);
    expect(isBlacklistedScore(100, 60)).toBe(false);
    expect(isBlacklistedScore(0, 0)).toBe(false);
  });
});
