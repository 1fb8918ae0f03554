import { validationFailed } from '../../../common/errors';
import { shanghaiDay } from '../../../common/time';
import type { SupervisionContext } from '../context';
import { QINGDAO_BOUNDS, QINGDAO_DISTRICTS } from '../domain/districts';
import { RISK_COLOR } from '../domain/risk';
import { coverageRatio, dense, share, shanghaiYear } from '../domain/statistics';
import { enterprisesInBox } from '../store/riskMap';
import type { BoundingBox } from '../store/riskMap';
import {
  alarmCounts,
  clueCounts,
  coverageCounts,
  hazardGroups,
  rectificationDays,
} from '../store/statistics';
import { requireDistrict } from './access';

const HAZARD_LEVELS = ['GENERAL', 'MAJOR'] as const;
const HAZARD_STATUSES = ['REPORTED', 'RECTIFYING', 'PENDING_VERIFICATION', 'CLOSED'] as const;
const CLUE_STATUSES = ['RECTIFIED', 'INVALID', 'REFUSED', 'REFERRED', 'CASE_OPENED', 'CLOSED'] as const;

/** Most features one risk map returns. */
export const MAX_MAP_FEATURES = 10_000;

function checkDistrict(district: string): void {
  if (!(district in QINGDAO_DISTRICTS))
    throw validationFailed(
      'district',
      `one of Qingdao's district codes: ${Object.keys(QINGDAO_DISTRICTS).join(', ')}`,
    );
}

/**
 * 一键全知道: five aggregate statements whatever the district's size (coverage, hazards by level
 * and status, rectification time, clues, alarms).
 */
async function districtStatistics(
  _: unknown,
  { district, year }: { district: string; year: number },
  ctx: SupervisionContext,
) {
  checkDistrict(district);
  requireDistrict(ctx, 'districtStatistics', district);
  const today = shanghaiDay();
  const current = Number(today.slice(0, 4));
  if (year < 2000 || year > current + 1)
    throw validationFailed('year', `must be between 2000 and ${current + 1}`);
  const { start, end } = shanghaiYear(year);
  const lastStart = shanghaiYear(year - 1).start;
  const [coverage, groups, rectified, clues, alarms] = await Promise.all([
    coverageCounts(ctx.db, district, { lastStart, start, end }),
    hazardGroups(ctx.db, district, start, end, today),
    rectificationDays(ctx.db, district, start, end),
    clueCounts(ctx.db, district, start, end),
    alarmCounts(ctx.db, district, start, end),
  ]);
  const byKey = new Map(groups.map((g) => [`${g.level}/${g.status}`, g.count]));
  const combos = HAZARD_LEVELS.flatMap((l) => HAZARD_STATUSES.map((s) => `${l}/${s}`));
  const shareThisYear = share(coverage.ordinaryThisYear, coverage.ordinaryTotal);
  const shareLastYear = share(coverage.ordinaryLastYear, coverage.ordinaryTotal);
  return {
    district,
    year,
    keyEnterprises: {
      total: coverage.keyTotal,
      inspectedTwice: coverage.keyInspectedTwice,
      share: share(coverage.keyInspectedTwice, coverage.keyTotal),
    },
    ordinaryEnterprises: {
      total: coverage.ordinaryTotal,
      inspectedThisYear: coverage.ordinaryThisYear,
      inspectedLastYear: coverage.ordinaryLastYear,
      shareThisYear,
      shareLastYear,
      ratio: coverageRatio(shareThisYear, shareLastYear),
    },
    hazards: {
      total: groups.reduce((n, g) => n + g.count, 0),
      byLevelAndStatus: dense(combos, byKey).map(({ key, count }) => {
        const [level, status] = key.split('/');
        return { level, status, count };
      }),
      overdueOpen: groups.reduce((n, g) => n + g.overdue, 0),
      closedInYear: rectified.closed,
      averageDaysToRectify: rectified.averageDays,
    },
    cluesByStatus: dense(CLUE_STATUSES, new Map(clues.map((c) => [c.status, c.count]))).map(
      ({ key, count }) => ({ status: key, count }),
    ),
    alarmsByKind: alarms,
  };
}

function checkBox(b: BoundingBox, limit: number): void {
  const { minLat, maxLat, minLon, maxLon } = QINGDAO_BOUNDS;
  for (const [field, value, min, max] of [
    ['south', b.south, minLat, maxLat],
    ['north', b.north, minLat, maxLat],
    ['west', b.west, minLon, maxLon],
    ['east', b.east, minLon, maxLon],
  ] as const) {
    if (!Number.isFinite(value) || value < min || value > max)
      throw validationFailed(`bbox.${field}`, `must lie within Qingdao (${min}..${max})`);
  }
  if (b.south >= b.north) throw validationFailed('bbox.north', 'must be north of south');
  if (b.west >= b.east) throw validationFailed('bbox.east', 'must be east of west');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MAP_FEATURES)
    throw validationFailed('limit', `must be between 1 and ${MAX_MAP_FEATURES}`);
}

/** 一张图: one statement; asks for one row more than `limit` to know whether the box held more. */
async function riskMap(
  _: unknown,
  { bbox, limit }: { bbox: BoundingBox; limit?: number | null },
  ctx: SupervisionContext,
) {
  const max = limit ?? 2000;
  checkBox(bbox, max);
  const rows = await enterprisesInBox(ctx.db, bbox, max + 1, ctx.area);
  const shown = rows.slice(0, max);
  return {
    geojson: {
      type: 'FeatureCollection',
      features: shown.map((e) => ({
        type: 'Feature',
        id: e.id,
        geometry: { type: 'Point', coordinates: [e.lon, e.lat] },
        properties: {
          id: e.id,
          name: e.name,
          riskLevel: e.riskLevel,
          color: e.riskLevel ? RISK_COLOR[e.riskLevel] : null,
          activeAlarms: e.activeAlarms,
          tier: e.tier,
          category: e.category,
        },
      })),
    },
    count: shown.length,
    truncated: rows.length > max,
  };
}

export const StatisticsQueries = { districtStatistics, riskMap };
