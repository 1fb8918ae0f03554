/**
 * The deterministic demo data set: a pure function of its options (same scale and `now`, same rows,
 * ids included). Demo scale is the two grid-managed subdistricts (镇江路街道, 金家岭街道) and a sample
 * of key enterprises across Qingdao; city scale adds enterprises up to the city's full counts.
 */
import { createContext } from './context';
import type { Context } from './context';
import { EmergencyBuilder } from './emergency';
import { addAdminAreas, addClues, addGrids, addPatrols, gridMemberName, pointIn } from './grid';
import type { SmallGrid } from './grid';
import {
  CATERING_SUFFIXES,
  CHEMICAL_SUFFIXES,
  CROWDED_SUFFIXES,
  FIREWORKS_SUFFIXES,
  INDUSTRY_SUFFIXES,
  MINE_SUFFIXES,
  OFFICE_SUFFIXES,
  WORKSHOP_SUFFIXES,
  brand,
  personName,
} from './names';
import { CITY_BOUNDS, JINJIALING, ZHENJIANG_ROAD, districtByCode, rectContains } from './places';
import type { Subdistrict } from './places';
import { Random } from './random';
import { addHazard } from './hazards';
import { addEnterprise, addInspections, addLoopProjections, addRiskPoints } from './supervision';
import type { Category } from './templates';
import type { AlarmStatus, Dataset, DeviceSeed, EnterpriseSeed, GenerateOptions, Tier } from './types';

export type { Dataset, GenerateOptions } from './types';

const SEED = 0x51d0_2020;
const CITY_SEED = 0x51d0_0503;
/** The closed loop's own random stream, so its rows leave every other row as it was. */
const LOOP_SEED = 0x51d0_c1e5;

/** The city's totals (DOMAIN.md) that city scale fills up to. */
export const CITY_TOTALS: Readonly<Record<Tier, number>> = {
  HIGH_RISK: 503,
  ABOVE_SCALE: 9394,
  SMALL: 120_000,
};

const DEMO_ZHENJIANG_ROAD = 712;
const DEMO_JINJIALING = 300;
const DEMO_HIGH_RISK = 60;
const DEMO_ABOVE_SCALE = 150;

function shopName(ctx: Context, category: Category): string {
  const { rng } = ctx;
  switch (category) {
    case 'CATERING':
      return rng.chance(0.3)
        ? `${personName(rng).slice(0, 1)}记${rng.pick(CATERING_SUFFIXES)}`
        : `青岛${brand(rng)}${rng.pick(CATERING_SUFFIXES)}`;
    case 'SMALL_VENUE':
      return `青岛${brand(rng)}${rng.pick(WORKSHOP_SUFFIXES)}`;
    case 'CROWDED_PLACE':
      return `青岛${brand(rng)}${rng.pick(CROWDED_SUFFIXES)}`;
    case 'OFFICE_BUILDING':
      return `${brand(rng)}${rng.pick(OFFICE_SUFFIXES)}`;
    case 'HAZARDOUS_CHEMICALS':
      return `青岛${brand(rng)}${rng.pick(CHEMICAL_SUFFIXES)}`;
    case 'NON_COAL_MINE':
      return `青岛${brand(rng)}${rng.pick(MINE_SUFFIXES)}`;
    case 'FIREWORKS':
      return `青岛${brand(rng)}${rng.pick(FIREWORKS_SUFFIXES)}`;
    case 'INDUSTRY_AND_TRADE':
      return `青岛${brand(rng)}${rng.pick(INDUSTRY_SUFFIXES)}`;
  }
}

const address = (ctx: Context, districtName: string, streets: readonly string[]): string =>
  `青岛市${districtName}${ctx.rng.pick(streets)}${ctx.rng.int(1, 399)}号`;

interface ChildOptions {
  gridMember?: string | undefined;
  /** City-scale small enterprises get fewer child rows. */
  lean?: boolean;
  showcase?: boolean;
}

const pickCount = (ctx: Context, weights: Readonly<Record<string, number>>): number =>
  Number(ctx.rng.weighted(weights));

function addChildren(ctx: Context, e: EnterpriseSeed, o: ChildOptions): void {
  const { rng } = ctx;
  const risks =
    e.tier === 'HIGH_RISK'
      ? rng.int(3, 6)
      : e.tier === 'ABOVE_SCALE'
        ? rng.int(2, 4)
        : o.showcase
          ? 3
          : o.lean
            ? pickCount(ctx, { 0: 50, 1: 50 })
            : rng.int(0, 2);
  addRiskPoints(ctx, e, risks);

  if (o.showcase) {
    addHazard(ctx, e, { status: 'CLOSED', gridMember: o.gridMember });
    addHazard(ctx, e, { status: 'RECTIFYING', gridMember: o.gridMember });
  } else {
    const hazards =
      e.tier === 'HIGH_RISK'
        ? rng.int(1, 4)
        : e.tier === 'ABOVE_SCALE'
          ? rng.int(0, 2)
          : rng.chance(o.lean ? 0.15 : 0.35)
            ? 1
            : 0;
    for (let i = 0; i < hazards; i++) addHazard(ctx, e, { gridMember: o.gridMember });
  }

  const key = e.tier === 'HIGH_RISK' || e.risk_level === 'MAJOR';
  const perYear: Record<string, number> = key
    ? { 0: 10, 1: 20, 2: 50, 3: 20 }
    : e.tier === 'ABOVE_SCALE'
      ? { 0: 30, 1: 50, 2: 20 }
      : o.lean
        ? { 0: 88, 1: 12 }
        : { 0: 72, 1: 28 };
  const counts = [pickCount(ctx, perYear), pickCount(ctx, perYear)];
  if (o.showcase) counts[1] = Math.max(1, counts[1]!);
  addInspections(ctx, e, counts);
}

/** A point in the district, inside Qingdao and outside the two grid-managed subdistricts. */
function districtPoint(ctx: Context, code: string): { lat: number; lon: number } {
  const d = districtByCode(code);
  for (;;) {
    const lat = Math.min(
      CITY_BOUNDS.maxLat,
      Math.max(CITY_BOUNDS.minLat, d.lat + ctx.rng.float(-1, 1) * d.spread),
    );
    const lon = Math.min(
      CITY_BOUNDS.maxLon,
      Math.max(CITY_BOUNDS.minLon, d.lon + ctx.rng.float(-1.2, 1.2) * d.spread),
    );
    if (!rectContains(ZHENJIANG_ROAD.area, lat, lon) && !rectContains(JINJIALING.area, lat, lon))
      return { lat, lon };
  }
}

function addDistrictEnterprise(
  ctx: Context,
  category: Category,
  tier: Tier,
  code: string,
  lean = false,
): EnterpriseSeed {
  const d = districtByCode(code);
  const e = addEnterprise(ctx, {
    category,
    tier,
    districtCode: code,
    name: shopName(ctx, category),
    address: address(ctx, d.name, d.streets),
    ...districtPoint(ctx, code),
  });
  addChildren(ctx, e, { lean: lean && tier === 'SMALL' });
  return e;
}

const CHEMICAL_DISTRICTS = {
  370211: 30,
  370281: 15,
  370283: 15,
  370215: 15,
  370285: 10,
  370214: 10,
  370213: 5,
};
const MINE_DISTRICTS = { 370283: 35, 370285: 25, 370215: 20, 370211: 12, 370212: 8 };
const INDUSTRY_DISTRICTS = {
  370211: 25,
  370214: 15,
  370215: 15,
  370281: 15,
  370283: 8,
  370285: 7,
  370213: 7,
  370203: 4,
  370212: 2,
  370202: 2,
};
const SMALL_DISTRICTS = {
  370202: 10,
  370203: 14,
  370211: 20,
  370212: 7,
  370213: 9,
  370214: 12,
  370215: 10,
  370281: 7,
  370283: 6,
  370285: 5,
};

export function generateDataset(options: GenerateOptions): Dataset {
  const ctx = createContext(new Random(SEED), options.now);
  const { rng, ds } = ctx;
  addAdminAreas(ctx);
  const smallGrids = addGrids(ctx);
  const emergency = new EmergencyBuilder(ctx);

  const inGrid = (
    sub: Subdistrict,
    count: number,
    category: (i: number) => Category,
    tier: (c: Category) => Tier,
  ) => {
    const grids = smallGrids.filter((g) => g.sub === sub);
    const district = districtByCode(sub.districtCode);
    const placed: { e: EnterpriseSeed; g: SmallGrid; devices: DeviceSeed[] }[] = [];
    for (let i = 0; i < count; i++) {
      // Every small grid gets at least one enterprise, then the rest fall anywhere.
      const g = i < grids.length ? grids[i]! : rng.pick(grids);
      const c = category(i);
      const e = addEnterprise(ctx, {
        category: c,
        tier: tier(c),
        districtCode: sub.districtCode,
        name: shopName(ctx, c),
        address: address(ctx, district.name, sub.streets),
        ...pointIn(ctx, g.rect),
      });
      ds.enterpriseGrid[e.id] = g.grid.id;
      const member = gridMemberName(ctx, g.grid.id);
      addChildren(ctx, e, { gridMember: member, showcase: placed.length === 0 && sub === ZHENJIANG_ROAD });
      addPatrols(ctx, e, g.grid.id, sub === ZHENJIANG_ROAD ? rng.int(1, 4) : rng.int(1, 3));
      const devices: DeviceSeed[] = [];
      if (c === 'CATERING') devices.push(emergency.addDevice(e, 'GAS', g.grid.id));
      if (sub === JINJIALING && (c === 'OFFICE_BUILDING' || c === 'CROWDED_PLACE')) {
        const smoke = c === 'OFFICE_BUILDING' ? rng.int(1, 3) : rng.int(1, 2);
        for (let k = 0; k < smoke; k++) devices.push(emergency.addDevice(e, 'SMOKE', g.grid.id));
        if (rng.chance(0.6)) devices.push(emergency.addDevice(e, 'TEMPERATURE', g.grid.id));
      }
      placed.push({ e, g, devices });
    }
    return placed;
  };

  const zjl = inGrid(
    ZHENJIANG_ROAD,
    DEMO_ZHENJIANG_ROAD,
    (i) => (i === 0 ? 'CATERING' : rng.weighted({ CATERING: 55, SMALL_VENUE: 35, CROWDED_PLACE: 10 })),
    (c) => (c === 'CROWDED_PLACE' && rng.chance(0.3) ? 'ABOVE_SCALE' : 'SMALL'),
  );
  const jjl = inGrid(
    JINJIALING,
    DEMO_JINJIALING,
    () => rng.weighted({ OFFICE_BUILDING: 35, CROWDED_PLACE: 25, CATERING: 40 }),
    (c) =>
      c === 'OFFICE_BUILDING'
        ? rng.chance(0.6)
          ? 'ABOVE_SCALE'
          : 'SMALL'
        : c === 'CROWDED_PLACE' && rng.chance(0.4)
          ? 'ABOVE_SCALE'
          : 'SMALL',
  );

  for (let i = 0; i < DEMO_HIGH_RISK; i++) {
    const mine = i % 10 >= 7;
    addDistrictEnterprise(
      ctx,
      mine ? 'NON_COAL_MINE' : 'HAZARDOUS_CHEMICALS',
      'HIGH_RISK',
      rng.weighted(mine ? MINE_DISTRICTS : CHEMICAL_DISTRICTS),
    );
  }
  for (let i = 0; i < DEMO_ABOVE_SCALE; i++) {
    addDistrictEnterprise(ctx, 'INDUSTRY_AND_TRADE', 'ABOVE_SCALE', rng.weighted(INDUSTRY_DISTRICTS));
  }

  // Alarms: the showcase's gas detector has one ACTIVE and one RESOLVED alarm; a few more open
  // alarms in both subdistricts, and a history of closed ones.
  const showcase = zjl[0]!;
  const showcaseDevice = showcase.devices[0]!;
  showcaseDevice.state = 'NORMAL';
  emergency.addAlarm(showcaseDevice, 'RESOLVED');
  emergency.addAlarm(showcaseDevice, 'ACTIVE', false);

  const healthy = (list: typeof zjl, kind: DeviceSeed['kind']) =>
    list
      .flatMap((p) => p.devices)
      .filter((d) => d.kind === kind && d.state === 'NORMAL' && d !== showcaseDevice);
  const zjlGas = rng.sample(healthy(zjl, 'GAS'), 6);
  (['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACKNOWLEDGED', 'DISPATCHED', 'ON_SITE'] as const).forEach((s, i) =>
    emergency.addAlarm(zjlGas[i]!, s),
  );
  const jjlSmoke = rng.sample(healthy(jjl, 'SMOKE'), 3);
  const jjlHeat = rng.sample(healthy(jjl, 'TEMPERATURE'), 1);
  emergency.addAlarm(jjlSmoke[0]!, 'ACTIVE');
  emergency.addAlarm(jjlHeat[0]!, 'ACTIVE');
  emergency.addAlarm(jjlSmoke[1]!, 'ACKNOWLEDGED');
  emergency.addAlarm(jjlSmoke[2]!, 'DISPATCHED');

  const allGridDevices = [...zjl, ...jjl].flatMap((p) => p.devices);
  for (let i = 0; i < 40; i++) {
    const status: AlarmStatus =
      i < 2 ? (i === 0 ? 'FALSE_ALARM' : 'RESOLVED') : rng.weighted({ RESOLVED: 65, FALSE_ALARM: 35 });
    emergency.addAlarm(rng.pick(allGridDevices), status);
  }

  ds.showcase = {
    enterpriseId: showcase.e.id,
    creditCode: showcase.e.credit_code,
    districtCode: showcase.e.district_code,
    gridId: showcase.g.grid.id,
  };

  addClosedLoop(ctx, zjl, jjl);
  if (options.scale === 'city') addCityScale(ctx, emergency);
  return ds;
}

/**
 * Clues in every state in both grid-managed subdistricts (one each, on enterprises other than the
 * showcase), and the supervision projections and tasks those clues and the alarms imply.
 */
function addClosedLoop(ctx: Context, ...subdistricts: { e: EnterpriseSeed; g: SmallGrid }[][]): void {
  const rng = new Random(LOOP_SEED);
  Object.assign(ctx.ds.grid, { clue: [], clue_event: [] });
  Object.assign(ctx.ds.supervision, {
    alarm_projection: [],
    clue_projection: [],
    enforcement_task: [],
  });
  const clues = subdistricts.flatMap((placed) => {
    const officer = `${districtByCode(placed[0]!.e.district_code).name}应急管理局 ${ctx.inspectors.get(placed[0]!.e.district_code)![0]}`;
    const sites = rng
      .sample(placed.slice(1), 8)
      .map((p) => ({ enterprise: p.e, gridId: p.g.grid.id, officer }));
    return addClues(ctx, rng, sites);
  });
  addLoopProjections(ctx, clues);
}

/** Fills the register up to the city's totals, with lighter child rows for small enterprises. */
function addCityScale(ctx: Context, emergency: EmergencyBuilder): void {
  ctx.rng = new Random(CITY_SEED);
  const { rng } = ctx;
  const have: Record<Tier, number> = { HIGH_RISK: 0, ABOVE_SCALE: 0, SMALL: 0 };
  for (const e of ctx.ds.supervision.enterprise) have[e.tier]++;

  for (let i = have.HIGH_RISK; i < CITY_TOTALS.HIGH_RISK; i++) {
    const mine = rng.chance(0.25);
    addDistrictEnterprise(
      ctx,
      mine ? 'NON_COAL_MINE' : 'HAZARDOUS_CHEMICALS',
      'HIGH_RISK',
      rng.weighted(mine ? MINE_DISTRICTS : CHEMICAL_DISTRICTS),
    );
  }
  for (let i = have.ABOVE_SCALE; i < CITY_TOTALS.ABOVE_SCALE; i++) {
    const category = rng.weighted<Category>({
      INDUSTRY_AND_TRADE: 80,
      CROWDED_PLACE: 10,
      OFFICE_BUILDING: 7,
      CATERING: 3,
    });
    addDistrictEnterprise(ctx, category, 'ABOVE_SCALE', rng.weighted(INDUSTRY_DISTRICTS));
  }
  for (let i = have.SMALL; i < CITY_TOTALS.SMALL; i++) {
    const category = rng.weighted<Category>({
      CATERING: 45,
      SMALL_VENUE: 30,
      CROWDED_PLACE: 12,
      INDUSTRY_AND_TRADE: 12,
      FIREWORKS: 1,
    });
    const e = addDistrictEnterprise(ctx, category, 'SMALL', rng.weighted(SMALL_DISTRICTS), true);
    if (rng.chance(0.1)) {
      const device = emergency.addDevice(e, category === 'CATERING' ? 'GAS' : 'SMOKE', null);
      if (rng.chance(0.03)) emergency.addAlarm(device, rng.weighted({ RESOLVED: 65, FALSE_ALARM: 35 }));
    }
  }
}
