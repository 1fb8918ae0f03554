// The operations whose statements are explained: the gateway benchmark's workloads (each
// subgraph's share of them, as the gateway's query plans send it) and every list, filter and
// page of the three schemas, as a city administrator and as the narrower areas that change the SQL.
import type { Caller } from '../../common/auth';
import type { SubgraphName } from '../../subgraphs/catalog';
import { callers } from './inputs';
import type { Inputs } from './inputs';

export interface Operation {
  subgraph: SubgraphName;
  label: string;
  query: string;
  variables: Record<string, unknown>;
  caller: Caller;
}

const ENTERPRISE_FIELDS = /* GraphQL */ `
  id name creditCode category tier riskLevel riskColor location { lat lon }
  riskPoints { name level color }
  hazards { id level status deadline overdue escalated history { action at } }
  open: hazards(status: [REPORTED, RECTIFYING]) { id }
  inspections { conductedAt result }
  serviceAgencies { name score averageRating ratingsCount }
  safetyManager { name phone }
`;

const PAGE = /* GraphQL */ `
  query Page($filter: EnterpriseFilter, $first: Int, $after: String) {
    enterprises(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          name
          riskLevel
          riskPoints {
            level
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`;

const AUDIT = (field: string) => `query Audit($after: String) { ${field}(first: 20, after: $after) {
  records { sequence field outcome } endCursor hasNextPage } }`;

/**
 * Read operations per subgraph. `page` marks the enterprise lists whose second page (its `after`
 * cursor taken from the first) is run as well.
 */
export function readOperations(inputs: Inputs): (Operation & { page?: boolean })[] {
  const who = callers(inputs);
  const i = inputs;
  const enterpriseRef = {
    __typename: 'Enterprise',
    id: i.enterpriseId,
    location: { lat: i.lat, lon: i.lon },
  };
  const ops: (Operation & { page?: boolean })[] = [];
  const add = (
    subgraph: SubgraphName,
    label: string,
    query: string,
    variables: Record<string, unknown> = {},
    caller: Caller = who.city,
    page = false,
  ) => ops.push({ subgraph, label, query, variables, caller, page });

  // supervision
  for (const [as, caller] of [
    ['city', who.city],
    ['district', who.district],
  ] as const) {
    add(
      'supervision',
      `enterprise 360 (${as})`,
      `query($id: ID!) { enterprise(id: $id) { ${ENTERPRISE_FIELDS} } }`,
      { id: i.enterpriseId },
      caller,
    );
    add(
      'supervision',
      `enterprises by district (${as})`,
      PAGE,
      { filter: { districtCode: i.district }, first: 50 },
      caller,
      true,
    );
  }
  add(
    'supervision',
    'enterprise by credit code',
    `query($c: String!) { enterpriseByCreditCode(creditCode: $c) { id name } }`,
    { c: i.creditCode },
  );
  add('supervision', 'enterprises, no filter', PAGE, { first: 50 }, who.city, true);
  add(
    'supervision',
    'enterprises by tier',
    PAGE,
    { filter: { tier: 'HIGH_RISK' }, first: 50 },
    who.city,
    true,
  );
  add(
    'supervision',
    'enterprises by category',
    PAGE,
    { filter: { category: 'FIREWORKS' }, first: 50 },
    who.city,
    true,
  );
  add(
    'supervision',
    'enterprises by risk level',
    PAGE,
    { filter: { riskLevel: 'MAJOR' }, first: 50 },
    who.city,
    true,
  );
  add(
    'supervision',
    'enterprises by district + risk level',
    PAGE,
    { filter: { districtCode: i.district, riskLevel: 'SIGNIFICANT' }, first: 50 },
    who.city,
    true,
  );
  add(
    'supervision',
    'enterprises by name substring',
    PAGE,
    { filter: { nameContains: '网吧' }, first: 20 },
    who.city,
    true,
  );
  add(
    'supervision',
    'enforcement queue',
    `query($d: String!) { enforcementQueue(district: $d, first: 20) {
      id kind status priority reasons enterprise { id name } inspections { id } decision { id } } }`,
    { d: i.district },
  );
  add(
    'supervision',
    'enforcement task',
    `query($id: ID!) { enforcementTask(id: $id) { id status inspections { id } decision { id } } }`,
    { id: i.taskId },
  );
  add(
    'supervision',
    'district statistics',
    `query($d: String!) { districtStatistics(district: $d, year: ${new Date().getFullYear()}) {
      keyEnterprises { total inspectedTwice share } ordinaryEnterprises { total }
      hazards { total overdueOpen closedInYear averageDaysToRectify } cluesByStatus { status count } alarmsByKind { kind count active } } }`,
    { d: i.district },
  );
  add('supervision', 'risk map', `query($b: BoundingBoxInput!) { riskMap(bbox: $b, limit: 500) { count } }`, {
    b: { south: i.lat - 0.02, west: i.lon - 0.02, north: i.lat + 0.02, east: i.lon + 0.02 },
  });
  add(
    'supervision',
    'service agencies',
    `{ serviceAgencies { id name clients { id name } } blacklisted: serviceAgencies(blacklisted: true) { id } }`,
  );
  add(
    'supervision',
    'service agency',
    `query($id: ID!) { serviceAgency(id: $id) { id name clients { id } } }`,
    { id: i.agencyId },
  );
  add('supervision', 'audit log', AUDIT('supervisionAuditLog'));
  add('supervision', 'audit log, next page', AUDIT('supervisionAuditLog'), { after: '1000' });

  // grid
  const gridFields =
    'id code name level parent { id } children { id } adminArea { code } members { id name grids { id } } center { lat lon } clues { id }';
  add(
    'grid',
    'Enterprise entities (grid, patrols, clues)',
    `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Enterprise { grid { ${gridFields} } patrols(last: 10) { id result member { id name } grid { id } }
        clues(first: 20) { id history { action } } } } }`,
    { r: [enterpriseRef] },
  );
  add(
    'grid',
    'Grid entities',
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { ${gridFields} } } }`,
    {
      r: [{ __typename: 'Grid', id: i.gridId }],
    },
  );
  add(
    'grid',
    'AdminArea entities',
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on AdminArea { code name parent { code } children { code } grids { id } } } }`,
    {
      r: [{ __typename: 'AdminArea', code: i.district }],
    },
  );
  for (const [as, caller] of [
    ['city', who.city],
    ['grid member', who.grid],
  ] as const) {
    add(
      'grid',
      `grids under an area (${as})`,
      `query($a: ID!) { grids(areaCode: $a, first: 100) { id code } small: grids(areaCode: $a, level: SMALL, first: 20) { id } }`,
      { a: i.district },
      caller,
    );
    add(
      'grid',
      `clues by status (${as})`,
      `{ clues(filter: { status: [NEW, CHECKING] }, first: 50) { id status } }`,
      {},
      caller,
    );
    add(
      'grid',
      `clues by district, grid, enterprise, category (${as})`,
      `query($d: String!, $g: ID!, $e: ID!) {
        d: clues(filter: { districtCode: $d }) { id } g: clues(filter: { gridId: $g }) { id }
        e: clues(filter: { enterpriseId: $e }) { id } c: clues(filter: { category: GAS }) { id } }`,
      { d: i.district, g: i.gridId, e: i.enterpriseId },
      caller,
    );
  }
  add('grid', 'city, area tree', `{ city { code children { code children { code } } } }`);
  add(
    'grid',
    'grid by id and code, member, clue',
    `query($id: ID!, $code: String!, $m: ID!, $c: ID!) {
      grid(id: $id) { id members { id } } gridByCode(code: $code) { id }
      gridMember(id: $m) { id grids { id } } clue(id: $c) { id reporter { id } patrol { id } grid { id } history { action } } }`,
    {
      id: i.gridId,
      code: i.gridCode,
      m: i.memberId,
      c: i.clueId,
    },
  );
  add('grid', 'audit log', AUDIT('gridAuditLog'));

  // emergency
  add(
    'emergency',
    'Enterprise entities (devices, alarms)',
    `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Enterprise { devices { id serial state lastReading { value } } alarms { id status }
        open: alarms(status: [ACTIVE, ACKNOWLEDGED]) { id } } } }`,
    { r: [{ __typename: 'Enterprise', id: i.enterpriseId }] },
  );
  add(
    'emergency',
    'Grid entities (active alarms)',
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { activeAlarms { id severity } } } }`,
    {
      r: [{ __typename: 'Grid', id: i.openAlarmGridId }],
    },
  );
  for (const [as, caller] of [
    ['city', who.city],
    ['district', who.district],
    ['grid member', who.grid],
  ] as const) {
    add(
      'emergency',
      `alarms, newest first (${as})`,
      `{ alarms(first: 50) { id device { id } dispatchedTo { id } } }`,
      {},
      caller,
    );
    add(
      'emergency',
      `alarms by status and severity (${as})`,
      `{ alarms(filter: { status: [ACTIVE, ACKNOWLEDGED, DISPATCHED], minSeverity: HIGH }) { id } }`,
      {},
      caller,
    );
  }
  add(
    'emergency',
    'alarms by enterprise, grid, district',
    `query($e: ID!, $g: ID!, $d: String!) {
      e: alarms(filter: { enterpriseId: $e }) { id } g: alarms(filter: { gridId: $g }) { id }
      d: alarms(filter: { districtCode: $d }, first: 50) { id } }`,
    { e: i.enterpriseId, g: i.openAlarmGridId, d: i.district },
  );
  add(
    'emergency',
    'alarm with nearest fire stations',
    `query($id: ID!) { alarm(id: $id) { id nearestFireStations(limit: 3) { distanceMeters station { id } } } }`,
    { id: i.alarmId },
  );
  add('emergency', 'alarms by ids', `query($ids: [ID!]!) { alarmsByIds(ids: $ids) { id } }`, {
    ids: [i.alarmId],
  });
  add(
    'emergency',
    'device, fire stations',
    `query($d: ID!, $f: ID!) { device(id: $d) { id } fireStation(id: $f) { id } fireStations { id } }`,
    {
      d: i.deviceId,
      f: i.fireStationId,
    },
  );
  add('emergency', 'audit log', AUDIT('emergencyAuditLog'));
  return ops;
}
