import { z } from 'zod';
import { parseConfig } from '../../common/config';
import { loadSubgraphConfig } from '../../common/subgraphConfig';
import type { SubgraphConfig } from '../../common/subgraphConfig';
import { DEFAULT_RISK_BANDS } from './domain/risk';
import type { RiskBands } from './domain/risk';

const bands = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((n) => Number(n.trim())))
    .refine(
      (a) => a.length === 3 && a.every((n) => Number.isFinite(n) && n > 0) && a[0]! > a[1]! && a[1]! > a[2]!,
      {
        message: 'three descending positive numbers, e.g. 320,160,70',
      },
    );

/** Rectification periods when none is given; events from other platforms use these. */
export const DEFAULT_HAZARD_DEADLINE_DAYS: Readonly<{ GENERAL: number; MAJOR: number }> = Object.freeze({
  GENERAL: 30,
  MAJOR: 90,
});

const schema = z.object({
  /** Days to rectify a GENERAL hazard when the report gives no deadline. @default 30 */
  HAZARD_DEADLINE_DAYS_GENERAL: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(DEFAULT_HAZARD_DEADLINE_DAYS.GENERAL),
  /** Days to rectify a MAJOR hazard when the report gives no deadline. @default 90 */
  HAZARD_DEADLINE_DAYS_MAJOR: z.coerce
    .number()
    .int()
    .min(1)
    .max(730)
    .default(DEFAULT_HAZARD_DEADLINE_DAYS.MAJOR),
  /** LEC band lower bounds MAJOR,SIGNIFICANT,GENERAL (exclusive). @default 320,160,70 */
  RISK_BANDS_LEC: bands(
    `${DEFAULT_RISK_BANDS.lecMajor},${DEFAULT_RISK_BANDS.lecSignificant},${DEFAULT_RISK_BANDS.lecGeneral}`,
  ),
  /** Risk-matrix band lower bounds MAJOR,SIGNIFICANT,GENERAL (inclusive). @default 20,9,4 */
  /** An agency whose platform score falls below this is blacklisted: it may take no new clients. @default 60 */
  AGENCY_BLACKLIST_SCORE: z.coerce.number().min(0).max(100).default(60),
  RISK_BANDS_MATRIX: bands(
    `${DEFAULT_RISK_BANDS.matrixMajor},${DEFAULT_RISK_BANDS.matrixSignificant},${DEFAULT_RISK_BANDS.matrixGeneral}`,
  ),
});

export interface SupervisionConfig extends SubgraphConfig {
  readonly hazardDeadlineDays: Readonly<{ GENERAL: number; MAJOR: number }>;
  readonly riskBands: Readonly<RiskBands>;
  /** Platform score below which a service agency is blacklisted. @default 60 */
  readonly agencyBlacklistScore: number;
}

export function loadSupervisionConfig(
  env: Record<string, string | undefined>,
  defaultPort = 0,
): SupervisionConfig {
  const base = loadSubgraphConfig('supervision', env, defaultPort);
  const raw = parseConfig(schema, env);
  const [lecMajor, lecSignificant, lecGeneral] = raw.RISK_BANDS_LEC as [number, number, number];
  const [matrixMajor, matrixSignificant, matrixGeneral] = raw.RISK_BANDS_MATRIX as [number, number, number];
  return Object.freeze({
    ...base,
    hazardDeadlineDays: Object.freeze({
      GENERAL: raw.HAZARD_DEADLINE_DAYS_GENERAL,
      MAJOR: raw.HAZARD_DEADLINE_DAYS_MAJOR,
    }),
    agencyBlacklistScore: raw.AGENCY_BLACKLIST_SCORE,
    riskBands: Object.freeze({
      lecMajor,
      lecSignificant,
      lecGeneral,
      matrixMajor,
      matrixSignificant,
      matrixGeneral,
    }),
  });
}
