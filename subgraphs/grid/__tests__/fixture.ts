import type { Caller } from '../../../common/auth';
import { callerHeaders } from '../../../test/harness/auth';
/** The test fixture: a slice of Shibei District with fixed ids, and helpers to address it. */

// Fixed ids so expectations can be written out in full.
export const L1 = '00000000-0000-4000-8000-0000000000a1';
export const S1 = '00000000-0000-4000-8000-0000000000b1';
export const S2 = '00000000-0000-4000-8000-0000000000b2';
export const LS = '00000000-0000-4000-8000-0000000000c1';
export const ZHANG = '00000000-0000-4000-8000-000000000011';
export const LI = '00000000-0000-4000-8000-000000000012';
export const WANG = '00000000-0000-4000-8000-000000000013';
export const E1 = '00000000-0000-4000-8000-00000000e001';
export const E2 = '00000000-0000-4000-8000-00000000e002';
export const P = (n: number) => `00000000-0000-4000-8000-0000000000f${n}`;

export const FIXTURE = `
INSERT INTO grid.admin_area (code, name, level, parent_code) VALUES
  ('370200', '青岛市', 'CITY', NULL),
  ('370203', '市北区', 'DISTRICT', '370200'),
  ('370212', '崂山区', 'DISTRICT', '370200'),
  ('370203010', '镇江路街道', 'SUBDISTRICT', '370203'),
  ('370203010001', '镇江路社区', 'COMMUNITY', '370203010');
INSERT INTO grid.grid (id, code, name, level, parent_id, area_code, bounds) VALUES
  ('${L1}', 'SB-ZJ-01', '镇江路第一大网格', 'LARGE', NULL, '370203010', box(point(120.37, 36.08), point(120.39, 36.10))),
  ('${S1}', 'SB-ZJ-01-01', '镇江路第一小网格', 'SMALL', '${L1}', '370203010001', box(point(120.37, 36.08), point(120.38, 36.09))),
  ('${S2}', 'SB-ZJ-01-02', '镇江路第二小网格', 'SMALL', '${L1}', '370203010001', box(point(120.38, 36.09), point(120.39, 36.10))),
  ('${LS}', 'LS-JJL-01', '金家岭大网格', 'LARGE', NULL, '370212', box(point(120.44, 36.09), point(120.47, 36.11)));
INSERT INTO grid.member (id, name, role, phone) VALUES
  ('${ZHANG}', '张伟', 'GRID_MEMBER', '13800000001'),
  ('${LI}', '李娜', 'SAFETY_OFFICER', '13800000002'),
  ('${WANG}', '王强', 'GRID_MEMBER', '13800000003');
INSERT INTO grid.assignment (member_id, grid_id) VALUES
  ('${ZHANG}', '${S1}'), ('${ZHANG}', '${L1}'), ('${LI}', '${S1}'), ('${WANG}', '${S2}');
INSERT INTO grid.patrol (id, enterprise_id, member_id, grid_id, patrolled_at, result, findings) VALUES
  ('${P(1)}', '${E1}', '${ZHANG}', '${S1}', '2026-01-10T08:00:00Z', 'NORMAL', '燃气报警器正常'),
  ('${P(2)}', '${E1}', '${LI}', '${S1}', '2026-01-12T09:30:00Z', 'ISSUES_FOUND', '液化气瓶未固定'),
  ('${P(3)}', '${E1}', '${ZHANG}', '${S1}', '2026-01-14T10:00:00Z', 'NORMAL', '已整改'),
  ('${P(4)}', '${E1}', '${ZHANG}', '${S1}', '2026-01-05T07:45:00Z', 'NORMAL', '例行巡查'),
  ('${P(5)}', '${E2}', '${WANG}', '${S2}', '2026-01-11T14:00:00Z', 'ISSUES_FOUND', '安全出口堵塞');
`;

// Points inside S1, inside S2, and in the sea east of every grid.
export const IN_S1 = { lat: 36.085, lon: 120.375 };
export const IN_S2 = { lat: 36.095, lon: 120.385 };
export const OUTSIDE = { lat: 36.05, lon: 120.6 };

/** An Enterprise representation as the gateway sends it, `location` coming from supervision. */
export const enterprise = (id: string, location: { lat: number; lon: number } | null) => ({
  __typename: 'Enterprise',
  id,
  location,
});

export interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface GraphqlClient {
  /** POSTs a request as the gateway does and returns the whole response body. */
  graphql(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse>;
  /** The data of a request that must succeed. */
  data(query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** A client of the grid subgraph at `url`, calling as `caller` (a city administrator unless given). */
export function graphqlClient(url: string, caller?: Caller): GraphqlClient {
  const graphql = async (
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphqlResponse> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callerHeaders(caller) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphqlResponse;
  };
  return {
    graphql,
    async data(query, variables = {}) {
      const body = await graphql(query, variables);
      expect(body.errors).toBeUndefined();
      return body.data!;
    },
  };
}
