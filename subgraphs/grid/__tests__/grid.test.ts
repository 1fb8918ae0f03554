import type { Db, DbEngine } from '../../../common/db';
import type { SubgraphServer } from '../../../common/http/subgraphServer';
import { createLogger } from '../../../common/logger';
import { loadSubgraphConfig } from '../../../common/subgraphConfig';
import { SUBGRAPH_TEST_ENV } from '../../../test/harness/auth';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../database';
import { createGridServer } from '../server';
import {
  E1,
  E2,
  enterprise,
  FIXTURE,
  IN_S1,
  IN_S2,
  L1,
  LI,
  OUTSIDE,
  P,
  S1,
  S2,
  WANG,
  graphqlClient,
  ZHANG,
} from './fixture';
import type { GraphqlClient } from './fixture';

let engine: DbEngine;
let db: Db;
let server: SubgraphServer;
let graphql: GraphqlClient['graphql'];
let data: GraphqlClient['data'];

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  await migrateSubgraph('grid', db);
  await db.exec(FIXTURE);
  server = await createGridServer(loadSubgraphConfig('grid', { ...SUBGRAPH_TEST_ENV }), {
    db,
    logger: createLogger('grid', 'silent'),
  });
  ({ graphql, data } = graphqlClient(await server.listen(0)));
});

afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

describe('Enterprise entities', () => {
  const GRID_OF = `query ($r: [_Any!]!) {
    _entities(representations: $r) { ... on Enterprise { id grid { id code level parent { code } adminArea { code } } } }
  }`;

  it('finds the small grid that contains the location, and null outside any grid or without a location', async () => {
    const d = await data(GRID_OF, {
      r: [enterprise(E1, IN_S1), enterprise(E2, IN_S2), enterprise(P(9), OUTSIDE), enterprise(P(8), null)],
    });
    expect(d._entities).toEqual([
      {
        id: E1,
        grid: {
          id: S1,
          code: 'SB-ZJ-01-01',
          level: 'SMALL',
          parent: { code: 'SB-ZJ-01' },
          adminArea: { code: '370203010001' },
        },
      },
      {
        id: E2,
        grid: {
          id: S2,
          code: 'SB-ZJ-01-02',
          level: 'SMALL',
          parent: { code: 'SB-ZJ-01' },
          adminArea: { code: '370203010001' },
        },
      },
      { id: P(9), grid: null },
      { id: P(8), grid: null },
    ]);
  });

  it('decides edges exactly: a shared corner goes to the first code, a hair outside to no grid', async () => {
    const codeOf = async (lon: number, lat: number) => {
      const d = await data(GRID_OF, { r: [enterprise(P(7), { lon, lat })] });
      return ((d._entities as any[])[0].grid?.code as string | undefined) ?? null;
    };
    // S1 and S2 meet at this corner with boxes of equal size.
    expect(await codeOf(120.38, 36.09)).toBe('SB-ZJ-01-01');
    expect(await codeOf(120.39, 36.095)).toBe('SB-ZJ-01-02');
    // Within PostgreSQL's 1e-6 tolerance of box comparisons, yet outside every grid.
    expect(await codeOf(120.39 + 1e-7, 36.095)).toBeNull();
    expect(await codeOf(120.385, 36.1 + 5e-7)).toBeNull();
  });

  it('lists the most recent patrols, newest first, limited by `last`', async () => {
    const d = await data(
      `query ($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Enterprise {
            id
            recent: patrols(last: 2) { id patrolledAt result findings member { name role } grid { code } }
            all: patrols { id }
          }
        }
      }`,
      { r: [enterprise(E1, IN_S1), enterprise(E2, IN_S2), enterprise(P(7), null)] },
    );
    expect(d._entities).toEqual([
      {
        id: E1,
        recent: [
          {
            id: P(3),
            patrolledAt: '2026-01-14T10:00:00.000Z',
            result: 'NORMAL',
            findings: '已整改',
            member: { name: '张伟', role: 'GRID_MEMBER' },
            grid: { code: 'SB-ZJ-01-01' },
          },
          {
            id: P(2),
            patrolledAt: '2026-01-12T09:30:00.000Z',
            result: 'ISSUES_FOUND',
            findings: '液化气瓶未固定',
            member: { name: '李娜', role: 'SAFETY_OFFICER' },
            grid: { code: 'SB-ZJ-01-01' },
          },
        ],
        all: [{ id: P(3) }, { id: P(2) }, { id: P(1) }, { id: P(4) }],
      },
      {
        id: E2,
        recent: [
          {
            id: P(5),
            patrolledAt: '2026-01-11T14:00:00.000Z',
            result: 'ISSUES_FOUND',
            findings: '安全出口堵塞',
            member: { name: '王强', role: 'GRID_MEMBER' },
            grid: { code: 'SB-ZJ-01-02' },
          },
        ],
        all: [{ id: P(5) }],
      },
      { id: P(7), recent: [], all: [] },
    ]);
  });

  it.each([0, 101])('rejects patrols(last: %i) with VALIDATION_FAILED', async (last) => {
    const body = await graphql(
      `
        query ($r: [_Any!]!, $last: Int) {
          _entities(representations: $r) {
            ... on Enterprise {
              patrols(last: $last) {
                id
              }
            }
          }
        }
      `,
      { r: [enterprise(E1, null)], last },
    );
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
      ['VALIDATION_FAILED', 'last'],
    ]);
  });
});

describe('area tree', () => {
  it('walks from the city down to the grids drawn in each area', async () => {
    const d = await data(`{
      city {
        code name level parent { code }
        children { code name level children { code level children { code level grids { code } } grids { code } } }
      }
    }`);
    expect(d.city).toEqual({
      code: '370200',
      name: '青岛市',
      level: 'CITY',
      parent: null,
      children: [
        {
          code: '370203',
          name: '市北区',
          level: 'DISTRICT',
          children: [
            {
              code: '370203010',
              level: 'SUBDISTRICT',
              children: [
                {
                  code: '370203010001',
                  level: 'COMMUNITY',
                  grids: [{ code: 'SB-ZJ-01-01' }, { code: 'SB-ZJ-01-02' }],
                },
              ],
              grids: [{ code: 'SB-ZJ-01' }],
            },
          ],
        },
        { code: '370212', name: '崂山区', level: 'DISTRICT', children: [] },
      ],
    });
  });

  it('climbs from a community to the city, and resolves areas referenced by other subgraphs', async () => {
    const d = await data(
      `query ($r: [_Any!]!) {
        adminArea(code: "370203010001") { name parent { code parent { code parent { code parent { code } } } } }
        missing: adminArea(code: "999999") { code }
        _entities(representations: $r) { ... on AdminArea { code name level } }
      }`,
      {
        r: [
          { __typename: 'AdminArea', code: '370203' },
          { __typename: 'AdminArea', code: 'nope' },
        ],
      },
    );
    expect(d).toEqual({
      adminArea: {
        name: '镇江路社区',
        parent: { code: '370203010', parent: { code: '370203', parent: { code: '370200', parent: null } } },
      },
      missing: null,
      _entities: [{ code: '370203', name: '市北区', level: 'DISTRICT' }, null],
    });
  });
});

describe('grids', () => {
  it('lists the grids of an area and all its descendants, ordered by code', async () => {
    const d = await data(`{
      district: grids(areaCode: "370203") { code }
      small: grids(areaCode: "370203", level: SMALL) { code }
      firstOne: grids(areaCode: "370200", first: 1) { code }
      city: grids(areaCode: "370200") { code }
      community: grids(areaCode: "370203010001", level: LARGE) { code }
      unknown: grids(areaCode: "999999") { code }
    }`);
    expect(d).toEqual({
      district: [{ code: 'SB-ZJ-01' }, { code: 'SB-ZJ-01-01' }, { code: 'SB-ZJ-01-02' }],
      small: [{ code: 'SB-ZJ-01-01' }, { code: 'SB-ZJ-01-02' }],
      firstOne: [{ code: 'LS-JJL-01' }],
      city: [{ code: 'LS-JJL-01' }, { code: 'SB-ZJ-01' }, { code: 'SB-ZJ-01-01' }, { code: 'SB-ZJ-01-02' }],
      community: [],
      unknown: [],
    });
  });

  it.each([0, 501])('rejects grids(first: %i) with VALIDATION_FAILED', async (first) => {
    const body = await graphql(
      `
        query ($first: Int) {
          grids(areaCode: "370203", first: $first) {
            code
          }
        }
      `,
      { first },
    );
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
      ['VALIDATION_FAILED', 'first'],
    ]);
  });

  it('resolves a grid with its parent, children, members and centre', async () => {
    const d = await data(`{
      large: gridByCode(code: "SB-ZJ-01") { id name level parent { code } children { code } members { name } }
      small: grid(id: "${S1}") { code center { lat lon } members { id name role phone grids { code } } }
    }`);
    expect(d).toEqual({
      large: {
        id: L1,
        name: '镇江路第一大网格',
        level: 'LARGE',
        parent: null,
        children: [{ code: 'SB-ZJ-01-01' }, { code: 'SB-ZJ-01-02' }],
        members: [{ name: '张伟' }],
      },
      small: {
        code: 'SB-ZJ-01-01',
        // Same IEEE arithmetic as PostgreSQL's center(box).
        center: { lat: (36.09 + 36.08) / 2, lon: (120.38 + 120.37) / 2 },
        members: [
          {
            id: ZHANG,
            name: '张伟',
            role: 'GRID_MEMBER',
            phone: '13800000001',
            grids: [{ code: 'SB-ZJ-01' }, { code: 'SB-ZJ-01-01' }],
          },
          {
            id: LI,
            name: '李娜',
            role: 'SAFETY_OFFICER',
            phone: '13800000002',
            grids: [{ code: 'SB-ZJ-01-01' }],
          },
        ],
      },
    });
  });

  it('answers null (not an error) for unknown and malformed ids and codes', async () => {
    const d = await data(
      `query ($r: [_Any!]!) {
        malformedGrid: grid(id: "not-a-uuid") { code }
        unknownGrid: grid(id: "00000000-0000-4000-8000-000000000999") { code }
        unknownCode: gridByCode(code: "NOPE") { code }
        malformedMember: gridMember(id: "42") { name }
        member: gridMember(id: "${WANG}") { name grids { code } }
        _entities(representations: $r) {
          ... on Grid { code }
          ... on GridMember { name }
          ... on Enterprise { id patrols { id } }
        }
      }`,
      {
        r: [
          { __typename: 'Grid', id: 'x' },
          { __typename: 'Grid', id: S2 },
          { __typename: 'GridMember', id: "'; DROP TABLE grid.member; --" },
          { __typename: 'GridMember', id: LI },
          enterprise('bad-id', null),
        ],
      },
    );
    expect(d).toEqual({
      malformedGrid: null,
      unknownGrid: null,
      unknownCode: null,
      malformedMember: null,
      member: { name: '王强', grids: [{ code: 'SB-ZJ-01-02' }] },
      _entities: [null, { code: 'SB-ZJ-01-02' }, null, { name: '李娜' }, { id: 'bad-id', patrols: [] }],
    });
  });
});

describe('N+1 guard', () => {
  const QUERY = `query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Enterprise { id grid { code members { name } } patrols { member { name } } }
    }
  }`;

  /** Representations for n enterprises: the two with patrols, then others spread over both grids and outside. */
  const representations = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      if (i === 0) return enterprise(E1, IN_S1);
      if (i === 1) return enterprise(E2, IN_S2);
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      // Distinct points, so the point loader cannot hide the cost behind its cache.
      const base = [IN_S1, IN_S2, OUTSIDE][i % 3]!;
      return enterprise(id, { lat: base.lat + i * 1e-5, lon: base.lon + i * 1e-5 });
    });

  async function statementsFor(n: number): Promise<number> {
    const before = db.stats.statements;
    const d = await data(QUERY, { r: representations(n) });
    expect((d._entities as unknown[]).length).toEqual(n);
    return db.stats.statements - before;
  }

  it('costs the same number of statements for 2 and for 20 enterprises', async () => {
    // grid by point, members by grid, patrols by enterprise, members by id: one statement each.
    expect([await statementsFor(2), await statementsFor(20)]).toEqual([4, 4]);
  });
});
