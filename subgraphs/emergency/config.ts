import { z } from 'zod';
import { parseConfig } from '../../common/config';
import { loadSubgraphConfig } from '../../common/subgraphConfig';
import type { SubgraphConfig } from '../../common/subgraphConfig';
import type { Thresholds } from './domain/thresholds';

const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
const nonNegative = (fallback: number) => z.coerce.number().min(0).default(fallback);
const unit = (fallback: string) => z.string().trim().min(1).default(fallback);

const schema = z
  .object({
    /**
     * Gas detectors' level-1 (low) alarm setting, %LEL. GB/T 50493-2019 allows at most 25.
     * @default 25
     */
    GAS_LEVEL1_LEL: positive(25).refine((v) => v <= 25, 'GB/T 50493-2019: at most 25 %LEL'),
    /**
     * Gas detectors' level-2 (high) alarm setting, %LEL; above the level-1 setting. GB/T 50493-2019
     * allows at most 50.
     * @default 50
     */
    GAS_LEVEL2_LEL: positive(50).refine((v) => v <= 50, 'GB/T 50493-2019: at most 50 %LEL'),
    /** A gas alarm level clears only below its setting minus this, %LEL. @default 5 */
    GAS_HYSTERESIS_LEL: nonNegative(5),
    /** Unit gas detectors must report in. @default %LEL */
    GAS_UNIT: unit('%LEL'),
    /** Smoke detectors' alarm setting (single level), obscuration in dB/m. @default 0.15 */
    SMOKE_THRESHOLD_DB_M: positive(0.15),
    /** A smoke alarm clears only below its setting minus this, dB/m. @default 0.03 */
    SMOKE_HYSTERESIS_DB_M: nonNegative(0.03),
    /** Unit smoke detectors must report in. @default dB/m */
    SMOKE_UNIT: unit('dB/m'),
    /** Heat detectors' alarm setting (single level), °C. @default 57 */
    TEMPERATURE_THRESHOLD_C: positive(57),
    /** A temperature alarm clears only below its setting minus this, °C. @default 3 */
    TEMPERATURE_HYSTERESIS_C: nonNegative(3),
    /** Unit heat detectors must report in. @default °C */
    TEMPERATURE_UNIT: unit('°C'),
    /**
     * Comma-separated API keys IoT gateways present as `Authorization: Bearer <key>` on
     * `POST /ingest/readings` (each at least 24 characters). Unset, that endpoint refuses everything.
     */
    INGEST_KEYS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      )
      .refine((keys) => keys.every((k) => k.length >= 24), 'each key needs at least 24 characters'),
  })
  .superRefine((c, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.GAS_LEVEL2_LEL <= c.GAS_LEVEL1_LEL) problem('GAS_LEVEL2_LEL', 'must be above GAS_LEVEL1_LEL');
    if (c.GAS_HYSTERESIS_LEL >= c.GAS_LEVEL1_LEL)
      problem('GAS_HYSTERESIS_LEL', 'must be below GAS_LEVEL1_LEL');
    if (c.SMOKE_HYSTERESIS_DB_M >= c.SMOKE_THRESHOLD_DB_M) {
      problem('SMOKE_HYSTERESIS_DB_M', 'must be below SMOKE_THRESHOLD_DB_M');
    }
    if (c.TEMPERATURE_HYSTERESIS_C >= c.TEMPERATURE_THRESHOLD_C) {
      problem('TEMPERATURE_HYSTERESIS_C', 'must be below TEMPERATURE_THRESHOLD_C');
    }
  });

export interface EmergencyConfig extends SubgraphConfig {
  /** Alarm settings, hysteresis and expected unit per device kind. */
  readonly thresholds: Thresholds;
  /** Keys accepted on the ingestion endpoint. */
  readonly ingestKeys: readonly string[];
}

/** The emergency subgraph's settings: the common ones plus the detectors' alarm thresholds. */
export function loadEmergencyConfig(
  env: Record<string, string | undefined>,
  defaultPort = 0,
): EmergencyConfig {
  const base = loadSubgraphConfig('emergency', env, defaultPort);
  const raw = parseConfig(schema, env);
  return Object.freeze({
    ...base,
    ingestKeys: Object.freeze(raw.INGEST_KEYS),
    thresholds: Object.freeze({
      GAS: Object.freeze({
        levels: [raw.GAS_LEVEL1_LEL, raw.GAS_LEVEL2_LEL],
        hysteresis: raw.GAS_HYSTERESIS_LEL,
        unit: raw.GAS_UNIT,
      }),
      SMOKE: Object.freeze({
        levels: [raw.SMOKE_THRESHOLD_DB_M],
        hysteresis: raw.SMOKE_HYSTERESIS_DB_M,
        unit: raw.SMOKE_UNIT,
      }),
      TEMPERATURE: Object.freeze({
        levels: [raw.TEMPERATURE_THRESHOLD_C],
        hysteresis: raw.TEMPERATURE_HYSTERESIS_C,
        unit: raw.TEMPERATURE_UNIT,
      }),
    }),
  });
}
