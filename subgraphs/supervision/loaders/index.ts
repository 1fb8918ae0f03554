import type DataLoader from 'dataloader';
import type { Db } from '../../../common/db';
import { groupLoader, uniqueLoader } from '../../../common/loaders';
import { agenciesByEnterpriseIds, agenciesByIds, clientsByAgencyIds } from '../store/agencies';
import { enterprisesByCreditCodes, enterprisesByIds } from '../store/enterprises';
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

/** One set per request: batching within the request, no data shared between callers. */
export function createSupervisionLoaders(db: Db): SupervisionLoaders {
  return {
    enterprise: uniqueLoader(
      (ids: readonly string[]) => enterprisesByIds(db, ids),
      (r) => r.id,
    ),
    enterpriseByCreditCode: uniqueLoader(
      (codes: readonly string[]) => enterprisesByCreditCodes(db, codes),
      (r) => r.creditCode,
    ),
    riskPoints: groupLoader(
      (ids: readonly string[]) => riskPointsByEnterpriseIds(db, ids),
      (r) => r.enterpriseId,
    ),
    hazard: uniqueLoader(
      (ids: readonly string[]) => hazardsByIds(db, ids),
      (r) => r.id,
    ),
    hazards: groupLoader(
      (ids: readonly string[]) => hazardsByEnterpriseIds(db, ids),
      (r) => r.enterpriseId,
    ),
    hazardEvents: groupLoader(
      (ids: readonly string[]) => hazardEventsByHazardIds(db, ids),
      (r) => r.hazardId,
    ),
    inspections: groupLoader(
      (ids: readonly string[]) => inspectionsByEnterpriseIds(db, ids),
      (r) => r.enterpriseId,
    ),
    agency: uniqueLoader(
      (ids: readonly string[]) => agenciesByIds(db, ids),
      (r) => r.id,
    ),
    agenciesOfEnterprise: groupLoader(
      (ids: readonly string[]) => agenciesByEnterpriseIds(db, ids),
      (r) => r.enterpriseId,
    ),
    clients: groupLoader(
      (ids: readonly string[]) => clientsByAgencyIds(db, ids),
      (r) => r.agencyId,
    ),
  };
}
