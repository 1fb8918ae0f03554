import { readFileSync } from 'node:fs';
import { buildASTSchema, getOperationAST, parse } from 'graphql';
import { matchesFilter } from '../filter';
import { EVENT_ID_VARIABLE, planSubscription } from '../plan';
import { readStreamRules } from '../rules';

const schema = buildASTSchema(
  parse(`
  enum Severity { LOW MEDIUM HIGH }
  enum Status { ACTIVE RESOLVED }
  input AlarmFilter { status: [Status!] minSeverity: Severity gridId: ID }
  type Alarm { id: ID! severity: Severity! note: String }
  type Query { alarm(id: ID!): Alarm }
  type Subscription { alarmRaised(filter: AlarmFilter, after: String, includeUpdates: Boolean = false): Alarm! }
`),
);
const rules = readStreamRules(`
  type Subscription {
    alarmRaised(filter: AlarmFilter): Alarm!
      @eventStream(stream: "alarms", entityField: "alarm", idKey: "alarmId", events: ["AlarmRaised"], updates: ["AlarmUpdated"])
  }
`);

const plan = (query: string, variables: Record<string, unknown> = {}, scope = '') => {
  const doc = parse(query);
  return planSubscription(schema, doc, getOperationAST(doc)!, variables, rules, scope);
};

describe('subscription plans', () => {
  it('reads the stream rules the supergraph declares', () => {
    expect(readStreamRules(readFileSync('schema/supergraph.graphql', 'utf8')).get('alarmRaised')).toEqual({
      field: 'alarmRaised',
      stream: 'alarms',
      entityField: 'alarm',
      listField: 'alarmsByIds',
      idKey: 'alarmId',
      events: ['AlarmRaised'],
      updates: ['AlarmUpdated'],
    });
  });

  it('turns the selection set into a query by id, keeping only the variables and fragments it uses', () => {
    const p = plan(
      `subscription Live($f: AlarmFilter, $a: String, $unused: ID) {
         live: alarmRaised(filter: $f, after: $a) { ...A note }
       }
       fragment A on Alarm { id severity }`,
      { f: { gridId: 'g1' }, a: '5-1', unused: 'x' },
    );
    expect(p.query).toBe(
      [
        `query LiveEvent($${EVENT_ID_VARIABLE}: ID!) {`,
        `  live: alarm(id: $${EVENT_ID_VARIABLE}) {\n  ...A\n  note\n}`,
        '}',
        'fragment A on Alarm {\n  id\n  severity\n}',
      ].join('\n'),
    );
    expect(p).toMatchObject({ responseKey: 'live', variables: {}, filter: { gridId: 'g1' }, after: '5-1' });
    expect([...p.types]).toEqual(['AlarmRaised']);
  });

  it('groups equal operations and separates other filters, update choices and access scopes', () => {
    const q = `subscription($f: AlarmFilter, $a: String) { alarmRaised(filter: $f, after: $a) { id } }`;
    const base = plan(q, { f: { gridId: 'g1' }, a: '1-0' });
    expect(plan(q, { f: { gridId: 'g1' }, a: '9-9' }).groupKey).toBe(base.groupKey); // resume point aside
    expect(plan(q, { f: { gridId: 'g2' } }).groupKey).not.toBe(base.groupKey);
    expect(plan(q, { f: { gridId: 'g1' } }, 'district:370203').groupKey).not.toBe(base.groupKey);
    expect(plan(`subscription { alarmRaised(includeUpdates: true) { id } }`).types).toEqual(
      new Set(['AlarmRaised', 'AlarmUpdated']),
    );
  });

  it('refuses a malformed resume point', () => {
    expect(() => plan(`subscription { alarmRaised(after: "yesterday") { id } }`)).toThrow(/after/);
  });
});

describe('filters', () => {
  const filterType = schema.getType('AlarmFilter') as never;
  const payload = { severity: 'MEDIUM', status: 'ACTIVE', gridId: 'g1' };
  it.each([
    [null, true],
    [{}, true],
    [{ gridId: 'g1' }, true],
    [{ gridId: 'g2' }, false],
    [{ status: ['ACTIVE', 'RESOLVED'] }, true],
    [{ status: ['RESOLVED'] }, false],
    [{ minSeverity: 'LOW' }, true],
    [{ minSeverity: 'MEDIUM' }, true],
    [{ minSeverity: 'HIGH' }, false],
    [{ gridId: null, minSeverity: 'MEDIUM' }, true],
  ])('%j → %s', (filter, expected) => {
    expect(matchesFilter(filterType, filter as Record<string, unknown> | null, payload)).toBe(expected);
  });
});
