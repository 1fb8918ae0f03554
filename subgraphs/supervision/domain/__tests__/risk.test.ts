import { DEFAULT_RISK_BANDS, gradeLec, gradeMatrix } from '../risk';

describe('risk grading', () => {
  it.each([
    [{ likelihood: 10, exposure: 6, consequence: 15 }, 900, 'MAJOR'],
    [{ likelihood: 6, exposure: 6, consequence: 9 }, 324, 'MAJOR'],
    [{ likelihood: 1, exposure: 10, consequence: 32 }, 320, 'SIGNIFICANT'], // boundary 320 is SIGNIFICANT
    [{ likelihood: 3, exposure: 6, consequence: 9 }, 162, 'SIGNIFICANT'],
    [{ likelihood: 1, exposure: 10, consequence: 16 }, 160, 'GENERAL'], // boundary 160 is GENERAL
    [{ likelihood: 1, exposure: 6, consequence: 15 }, 90, 'GENERAL'],
    [{ likelihood: 1, exposure: 7, consequence: 10 }, 70, 'LOW'], // boundary 70 is LOW
    [{ likelihood: 0.1, exposure: 10, consequence: 40 }, 40, 'LOW'],
  ])('LEC %j scores %d and grades %s', (factors, score, level) => {
    expect(gradeLec(factors)).toEqual({ score, level });
  });

  it.each([
    [5, 5, 25, 'MAJOR'],
    [4, 5, 20, 'MAJOR'],
    [4, 4, 16, 'SIGNIFICANT'],
    [3, 3, 9, 'SIGNIFICANT'],
    [2, 4, 8, 'GENERAL'],
    [2, 2, 4, 'GENERAL'],
    [1, 3, 3, 'LOW'],
    [1, 1, 1, 'LOW'],
  ])('matrix L=%d S=%d scores %d and grades %s', (likelihood, severity, score, level) => {
    expect(gradeMatrix({ likelihood, severity })).toEqual({ score, level });
  });

  it('uses configured bands', () => {
    expect(
      gradeLec(
        { likelihood: 3, exposure: 6, consequence: 9 },
        { ...DEFAULT_RISK_BANDS, lecSignificant: 200 },
      ),
    ).toEqual({
      score: 162,
      level: 'GENERAL',
    });
  });
});
