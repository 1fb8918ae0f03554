import type { RiskLevel } from '../store/rows';

/**
 * Lower bounds of each band, highest level first: a score above `MAJOR` is MAJOR, above
 * `SIGNIFICANT` is SIGNIFICANT, and so on; anything else is LOW. Configurable because no
 * national rule fixes them.
 */
export interface RiskBands {
  /** LEC: D > major → MAJOR. @default 320 */
  lecMajor: number;
  /** LEC: D > significant → SIGNIFICANT. @default 160 */
  lecSignificant: number;
  /** LEC: D > general → GENERAL, else LOW. @default 70 */
  lecGeneral: number;
  /** Matrix: R ≥ major → MAJOR. @default 20 */
  matrixMajor: number;
  /** Matrix: R ≥ significant → SIGNIFICANT. @default 9 */
  matrixSignificant: number;
  /** Matrix: R ≥ general → GENERAL, else LOW. @default 4 */
  matrixGeneral: number;
}

export const DEFAULT_RISK_BANDS: RiskBands = Object.freeze({
  lecMajor: 320,
  lecSignificant: 160,
  lecGeneral: 70,
  matrixMajor: 20,
  matrixSignificant: 9,
  matrixGeneral: 4,
});

export const RISK_ORDER: readonly RiskLevel[] = ['MAJOR', 'SIGNIFICANT', 'GENERAL', 'LOW'];

export const RISK_COLOR: Readonly<Record<RiskLevel, string>> = {
  MAJOR: 'RED',
  SIGNIFICANT: 'ORANGE',
  GENERAL: 'YELLOW',
  LOW: 'BLUE',
};

export interface LecFactors {
  likelihood: number;
  exposure: number;
  consequence: number;
}

export interface MatrixFactors {
  likelihood: number;
  severity: number;
}

export type Assessment =
  { method: 'LEC'; factors: LecFactors } | { method: 'RISK_MATRIX'; factors: MatrixFactors };

/** D = L×E×C, graded with strict lower bounds (DOMAIN: >320, 160–320, 70–160, ≤70). */
export function gradeLec(
  f: LecFactors,
  bands: RiskBands = DEFAULT_RISK_BANDS,
): { score: number; level: RiskLevel } {
  // Rounded to 4 places so 0.1 × 10 × 40 is 40, not 40.00000000000001.
  const score = Math.round(f.likelihood * f.exposure * f.consequence * 1e4) / 1e4;
  const level: RiskLevel =
    score > bands.lecMajor
      ? 'MAJOR'
      : score > bands.lecSignificant
        ? 'SIGNIFICANT'
        : score > bands.lecGeneral
          ? 'GENERAL'
          : 'LOW';
  return { score, level };
}

/** R = L×S on a 5×5 matrix, graded with inclusive lower bounds (20–25, 9–16, 4–8, 1–3). */
export function gradeMatrix(
  f: MatrixFactors,
  bands: RiskBands = DEFAULT_RISK_BANDS,
): { score: number; level: RiskLevel } {
  const score = f.likelihood * f.severity;
  const level: RiskLevel =
    score >= bands.matrixMajor
      ? 'MAJOR'
      : score >= bands.matrixSignificant
        ? 'SIGNIFICANT'
        : score >= bands.matrixGeneral
          ? 'GENERAL'
          : 'LOW';
  return { score, level };
}

export function grade(
  a: Assessment,
  bands: RiskBands = DEFAULT_RISK_BANDS,
): { score: number; level: RiskLevel } {
  switch (a.method) {
    case 'LEC':
      return gradeLec(a.factors, bands);
    case 'RISK_MATRIX':
      return gradeMatrix(a.factors, bands);
  }
}
