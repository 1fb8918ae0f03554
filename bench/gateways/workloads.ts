// The three workloads, each as the client sends it through a gateway and as the supervision
// subgraph's share of it (what `direct` measures), with the inputs they rotate through.
import { join } from 'node:path';
import type { Db } from '../../common/db';
import { CALLER_HEADER, signCaller } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { loadExamples } from '../../gateway/playground/examples';
import { SCHEMA_DIR } from '../../subgraphs/catalog';

export type WorkloadName = 'enterprise360' | 'page50' | 'deep';
export const WORKLOADS: readonly WorkloadName[] = ['enterprise360', 'page50', 'deep'];

export interface Workload {
  name: WorkloadName;
  title: string;
  operationName: string;
  /** Through a gateway. */
  query: string;
  /** To the supervision subgraph directly: the fields it owns, plus what a plan asks it for. */
  directQuery: string;
  /** One entry per request, rotated through; never a single repeated input. */
  variables: Record<string, unknown>[];
}

// The playground's own Enterprise 360 example, so the benchmark measures the query users run.
const ENTERPRISE_360 = (() => {
  const example = loadExamples(join(SCHEMA_DIR, 'examples.graphql')).find((e) =>
    e.query.includes('query Enterprise360('),
  );
  if (!example) throw new Error('schema/examples.graphql has no Enterprise360 operation');
  return example.query;
})();

const ENTERPRISE_360_DIRECT = /* GraphQL */ `
  query Enterprise360($id: ID!) {
    enterprise(id: $id) {
      id
      name
      creditCode
      riskLevel
      riskPoints {
        name
        level
      }
      hazards {
        level
        status
        deadline
      }
      inspections {
        conductedAt
        result
      }
      location {
        lat
        lon
      }
    }
  }
`;

const PAGE_50 = /* GraphQL */ `
  query EnterprisePage($district: String!, $after: String) {
    enterprises(first: 50, filter: { districtCode: $district }, after: $after) {
      edges {
        node {
          id
          name
          category
          tier
          riskLevel
          riskColor
          riskPoints {
            name
            level
            color
          }
          grid {
            code
            name
          }
          alarms {
            severity
            status
            raisedAt
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const PAGE_50_DIRECT = /* GraphQL */ `
  query EnterprisePage($district: String!, $after: String) {
    enterprises(first: 50, filter: { districtCode: $district }, after: $after) {
      edges {
        node {
          id
          name
          category
          tier
          riskLevel
          riskColor
          riskPoints {
            name
            level
            color
          }
          location {
            lat
            lon
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// Nine fetches in a chain, each subgraph three times or more: supervision → grid (the grid needs
// the location) and emergency (devices) → supervision (each device's enterprise) → grid (its
// patrols) → supervision (the patrolled enterprise) → emergency (its alarms) and grid (its grid)
// → emergency (the grid's active alarms).
const DEEP = /* GraphQL */ `
  query DeepHops($id: ID!) {
    enterprise(id: $id) {
      name
      riskLevel
      grid {
        name
        members {
          name
          role
        }
      }
      devices {
        serial
        kind
        state
        enterprise {
          tier
          patrols {
            result
            patrolledAt
            member {
              name
            }
            enterprise {
              category
              alarms {
                status
                severity
              }
              grid {
                code
                activeAlarms {
                  id
                  severity
                }
              }
            }
          }
        }
      }
    }
  }
`;

const DEEP_DIRECT = /* GraphQL */ `
  query DeepHops($id: ID!) {
    enterprise(id: $id) {
      name
      riskLevel
      tier
      category
      location {
        lat
        lon
      }
    }
  }
`;

export interface InputSizes {
  /** Enterprises Enterprise 360 rotates through. */
  enterprises: number;
  /** Pages of 50 walked per district. */
  pagesPerDistrict: number;
}

/** Asks the supervision subgraph itself, as a caller the gateway would forward. */
async function askSupervision<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  caller: { secret: string; caller: Caller },
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [CALLER_HEADER]: signCaller(caller.caller, caller.secret),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!res.ok || body.errors?.length || !body.data)
    throw new Error(`supervision refused an input query: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

/**
 * The inputs, fetched once before measuring: enterprise ids spread over the whole register (ids
 * are random UUIDs, so the first N by id are a uniform sample), the districts' page cursors
 * (walked through the subgraph, as cursors are opaque), and the enterprises that have both
 * detectors and patrols, so that every hop of the deep query has something to fetch.
 */
export async function loadWorkloads(
  db: Db,
  supervisionUrl: string,
  caller: { secret: string; caller: Caller },
  sizes: InputSizes,
): Promise<Workload[]> {
  const ids = await db.query<{ id: string }>(
    'SELECT id::text AS id FROM supervision.enterprise ORDER BY id LIMIT $1',
    [sizes.enterprises],
  );
  const deepIds = await db.query<{ id: string }>(
    `SELECT DISTINCT d.enterprise_id::text AS id
       FROM emergency.device d JOIN grid.patrol p ON p.enterprise_id = d.enterprise_id
      ORDER BY 1`,
  );
  const districts = await db.query<{ district: string }>(
    'SELECT DISTINCT district_code AS district FROM supervision.enterprise ORDER BY 1',
  );
  const byDistrict = await Promise.all(
    districts.map(async ({ district }) => {
      const out: Record<string, unknown>[] = [{ district, after: null }];
      let after: string | null = null;
      // 100 a query (the subgraph's largest page) yields two page starts at a time.
      while (out.length < sizes.pagesPerDistrict) {
        const data: { enterprises: { edges: { cursor: string }[]; pageInfo: { hasNextPage: boolean } } } =
          await askSupervision(
            supervisionUrl,
            `query Cursors($district: String!, $after: String) {
                enterprises(first: 100, filter: { districtCode: $district }, after: $after) {
                  edges { cursor }
                  pageInfo { hasNextPage }
                }
              }`,
            { district, after },
            caller,
          );
        const { edges, pageInfo } = data.enterprises;
        if (edges.length >= 50) out.push({ district, after: edges[49]!.cursor });
        if (edges.length === 100 && pageInfo.hasNextPage) {
          after = edges[99]!.cursor;
          out.push({ district, after });
        } else break;
      }
      return out.slice(0, sizes.pagesPerDistrict);
    }),
  );
  // Districts in turn, so consecutive requests ask for different districts.
  const pages: Record<string, unknown>[] = [];
  for (let i = 0; i < sizes.pagesPerDistrict; i++)
    for (const list of byDistrict) if (list[i]) pages.push(list[i]!);
  return [
    {
      name: 'enterprise360',
      title: `Enterprise 360 (${ids.length} enterprises in turn)`,
      operationName: 'Enterprise360',
      query: ENTERPRISE_360,
      directQuery: ENTERPRISE_360_DIRECT,
      variables: ids.map(({ id }) => ({ id })),
    },
    {
      name: 'page50',
      title: `a page of 50 enterprises with risk points, grid, alarms (${pages.length} pages in turn)`,
      operationName: 'EnterprisePage',
      query: PAGE_50,
      directQuery: PAGE_50_DIRECT,
      variables: pages,
    },
    {
      name: 'deep',
      title: `each subgraph three times in one query (${deepIds.length} enterprises in turn)`,
      operationName: 'DeepHops',
      query: DEEP,
      directQuery: DEEP_DIRECT,
      variables: deepIds.map(({ id }) => ({ id })),
    },
  ];
}
