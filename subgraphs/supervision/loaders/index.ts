import DataLoader from 'dataloader';
import type { Db } from '../../../common/db';
import { groupLoader, uniqueLoader } from '../../../common/loaders';
import type { Area } from '../store/area';
import { agenciesByEnterpriseIds, agenciesByIds, clientsByAgencyIds } from '../store/agencies';
import { enterprisesByCreditCodes, enterprisesByIds, listEnterprisePages } from '../store/enterprises';
import type { EnterprisePage, EnterprisePageKey } from '../store/enterprises';
import { hazardEventsByHazardIds, hazardsByEnterpriseIds, hazardsByIds } from '../store/hazards';
import { inspectionsByEnterpriseIds } from '../store/inspections';
import { riskPointsByEnterpriseIds } from '../store/riskPoints';
import type {
  EnterpriseRow,
  HazardEventRow,
  HazardRow,
  InspectionRow,
  RiskPointRow,
  ServiceAgencyRow,
} from '../store/rows';

export interface SupervisionLoaders {
  enterprise: DataLoader<string, EnterpriseRow | null>;
  enterpriseByCreditCode: DataLoader<string, EnterpriseRow | null>;
  /** Pages of the `enterprises` connection: those asked for together share one statement. */
  enterprisePage: DataLoader<EnterprisePageKey, EnterprisePage, string>;
  riskPoints: DataLoader<string, RiskPointRow[], string>;
  hazard: DataLoader<string, HazardRow | null>;
  hazards: DataLoader<string, HazardRow[], string>;
  hazardEvents: DataLoader<string, HazardEventRow[], string>;
  inspections: DataLoader<string, InspectionRow[], string>;
  agency: DataLoader<string, ServiceAgencyRow | null>;
  /** An enterprise's contracted agencies. */
  agenciesOfEnterprise: DataLoader<string, ServiceAgencyRow[], string>;
  /** An agency's client enterprises. */
  clients: DataLoader<string, EnterpriseRow[], string>;
}

/** Equal pages, however their filter's fields were ordered, are one key. */
const pageKey = ({ filter: f, first, after }: EnterprisePageKey): string =>
  JSON.stringify([
    f.districtCode ?? null,
    f.tier ?? null,
    f.category ?? null,
    f.riskLevel ?? null,
    f.nameContains ?? null,
    first,
    after?.name ?? null,
    after?.id ?? null,
  ]);

/**
 * One set per request: batching within the request, no data shared between callers. Every batch
 * is limited to the caller's `area` in its own statement, so a row outside it is absent (null, or
 * missing from a list) whichever way it is reached: by id, by key, or through another entity.
 */
export function createSupervisionLoaders(db: Db, area: Area): SupervisionLoaders {
  return {
    enterprise: uniqueLoader(
      (ids: readonly string[]) => enterprisesByIds(db, ids, area),
      (r) => r.id,
    ),
    enterpriseByCreditCode: uniqueLoader(
      (codes: readonly string[]) => enterprisesByCreditCodes(db, codes, area),
      (r) => r.creditCode,
    ),
    enterprisePage: new DataLoader((keys) => listEnterprisePages(db, keys, area), {
      cacheKeyFn: pageKey,
    }),
    riskPoints: groupLoader(
      (ids: readonly string[]) => riskPointsByEnterpriseIds(db, ids, area),
      (r) => r.enterpriseId,
    ),
    hazard: uniqueLoader(
      (ids: readonly string[]) => hazardsByIds(db, ids, area),
      (r) => r.id,
    ),
    hazards: groupLoader(
      (ids: readonly string[]) => hazardsByEnterpriseIds(db, ids, area),
      (r) => r.enterpriseId,
    ),
    hazardEvents: groupLoader(
      (ids: readonly string[]) => hazardEventsByHazardIds(db, ids, area),
      (r) => r.hazardId,
    ),
    inspections: groupLoader(
      (ids: readonly string[]) => inspectionsByEnterpriseIds(db, ids, area),
      (r) => r.enterpriseId,
    ),
    agency: uniqueLoader(
      (ids: readonly string[]) => agenciesByIds(db, ids, area),
      (r) => r.id,
    ),
    agenciesOfEnterprise: groupLoader(
      (ids: readonly string[]) => agenciesByEnterpriseIds(db, ids, area),
      (r) => r.enterpriseId,
    ),
    clients: groupLoader(
      (ids: readonly string[]) => clientsByAgencyIds(db, ids, area),
      (r) => r.agencyId,
    ),
  };
}
