/** Rows as the store returns them: camelCase, shaped like the GraphQL types they back. */

export type RiskLevel = 'MAJOR' | 'SIGNIFICANT' | 'GENERAL' | 'LOW';
export type HazardStatus = 'REPORTED' | 'RECTIFYING' | 'PENDING_VERIFICATION' | 'CLOSED';
export type HazardLevel = 'GENERAL' | 'MAJOR';

export interface EnterpriseRow {
  id: string;
  name: string;
  creditCode: string;
  category: string;
  tier: string;
  districtCode: string;
  address: string;
  lat: number | null;
  lon: number | null;
  riskLevel: RiskLevel | null;
  registeredAt: Date;
  safetyManager: SafetyContact | null;
}

/** Personal data: a named person's mobile number and resident ID number. */
export interface SafetyContact {
  name: string;
  phone: string;
  idNumber: string;
}

export interface RiskPointRow {
  id: string;
  enterpriseId: string;
  name: string;
  level: RiskLevel;
  method: 'LEC' | 'RISK_MATRIX';
  score: number;
  factors: Record<string, number>;
  controlMeasures: string[];
  controlTier: string;
  assessedAt: Date;
  assessedBy: string;
  agencyId: string | null;
}

export interface RectificationPlan {
  measures: string;
  funds: number;
  deadline: string;
  responsiblePerson: string;
}

export interface HazardRow {
  id: string;
  enterpriseId: string;
  description: string;
  level: HazardLevel;
  status: HazardStatus;
  source: string;
  foundBy: string;
  foundAt: Date;
  deadline: string;
  plan: RectificationPlan | null;
  closedAt: Date | null;
  escalatedAt: Date | null;
  agencyId: string | null;
}

export interface HazardEventRow {
  id: number;
  hazardId: string;
  action: string;
  from: HazardStatus | null;
  to: HazardStatus;
  by: string;
  note: string | null;
  at: Date;
}

export interface InspectionRow {
  id: string;
  enterpriseId: string;
  conductedAt: Date;
  kind: string;
  inspectors: string[];
  findings: string;
  result: string;
  taskId: string | null;
}

export interface ServiceAgencyRow {
  id: string;
  name: string;
  creditCode: string;
  score: number;
  blacklistedAt: Date | null;
  registeredAt: Date;
  /** Mean of the clients' stars; null before the first rating. */
  averageRating: number | null;
  ratingsCount: number;
}
