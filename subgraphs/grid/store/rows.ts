/** Rows as the store returns them: camelCase, shaped like the GraphQL types they back. */
import type { ClueStatus } from '../domain/clueLifecycle';

export type { ClueStatus };

export type AdminLevel = 'CITY' | 'DISTRICT' | 'SUBDISTRICT' | 'COMMUNITY';
export type GridLevel = 'LARGE' | 'SMALL';
export type GridMemberRole = 'GRID_MEMBER' | 'SAFETY_OFFICER';
export type PatrolResult = 'NORMAL' | 'ISSUES_FOUND';

export interface AdminAreaRow {
  code: string;
  name: string;
  level: AdminLevel;
  parentCode: string | null;
}

export interface GridRow {
  id: string;
  code: string;
  name: string;
  level: GridLevel;
  parentId: string | null;
  areaCode: string;
  /** Centre of the bounds box; the box is stored with (lon, lat) corners. */
  centerLat: number;
  centerLon: number;
}

export interface MemberRow {
  id: string;
  name: string;
  role: GridMemberRole;
  phone: string;
}

export interface PatrolRow {
  id: string;
  enterpriseId: string;
  memberId: string;
  gridId: string;
  patrolledAt: Date;
  result: PatrolResult;
  findings: string;
  hazard?: PatrolHazard | null;
}

export interface PatrolHazard {
  description: string;
  level: 'GENERAL' | 'MAJOR';
}

export interface ClueRow {
  id: string;
  text: string;
  category: string;
  photos: string[];
  lat: number | null;
  lon: number | null;
  address: string | null;
  reporterId: string;
  patrolId: string | null;
  enterpriseId: string | null;
  gridId: string;
  districtCode: string;
  status: ClueStatus;
  explanation: string | null;
  referredAt: Date | null;
  taskId: string | null;
  outcome: string | null;
  decidedAt: Date | null;
  reportedAt: Date;
}

export interface ClueEventRow {
  id: number;
  clueId: string;
  action: string;
  from: string | null;
  to: string;
  by: string;
  note: string | null;
  at: Date;
}
