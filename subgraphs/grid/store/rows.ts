/** Rows as the store returns them: camelCase, shaped like the GraphQL types they back. */

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
}
