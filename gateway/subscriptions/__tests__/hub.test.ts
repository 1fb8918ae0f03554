import { buildASTSchema, getOperationAST, parse } from 'graphql';
import type { ExecutionResult } from 'graphql';
import { createMemoryStream } from '../../../common/events';
import type { EventStream } from '../../../common/events';
import { createLogger } from '../../../common/logger';
import { SubscriptionHub } from '../hub';
import type { Execute } from '../hub';
import { EVENT_ID_VARIABLE, planSubscription } from '../plan';
import { readStreamRules } from '../rules';

const schema = buildASTSchema(
  parse(`
  type Alarm { id: ID! }
  type Query { alarm(id: ID!): Alarm alarmsByIds(ids: [ID!]!): [Alarm]! }
  type Subscription { alarmRaised: Alarm! }
`),
);
const rules = readStreamRules(`
  type Subscription {
    alarmRaised: Alarm!
      @eventStream(stream: "alarms", entityField: "alarm", listField: "alarmsByIds", idKey: "alarmId", events: ["AlarmRaised"])
  }
`);
const doc = parse('subscription { alarmRaised { id } }');
const plan = planSubscription(schema, doc, getOperationAST(doc)!, {}, rules, '');
const logger = createLogger('hub-test', 'silent');

const raise = (events: EventStream, alarmId: string) =>
  events.append('alarms', [{ type: 'AlarmRaised', outboxId: `t:${alarmId}`, at: '', payload: { alarmId } }]);

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('SubscriptionHub', () => {
  let events: EventStream;
  let hub: SubscriptionHub | undefined;
  beforeEach(() => {
    events = createMemoryStream();
  });
  afterEach(async () => {
    await Promise.all([hub?.close(), events.close()]);
    hub = undefined;
  });

  it('prepares a new group with the newest entity, without counting it as a resolution', async () => {
    await raise(events, 'old');
    const calls: unknown[] = [];
    const execute: Execute = async (_query, variables) => {
      calls.push(variables[`${EVENT_ID_VARIABLE}s`]);
      return { data: { events: [] } };
    };
    hub = new SubscriptionHub({ events, execute, logger });
    await hub.subscribe(plan, {}, jest.fn(), () => true);
    await hub.subscribe(plan, {}, jest.fn(), () => true); // same group: prepared once
    await until(() => calls.length === 1);
    expect(calls).toEqual([['old']]);
    expect(hub.resolutions).toBe(0);
  });

  it('offers events in stream order when a later batch resolves first', async () => {
    const release = new Map<string, (r: ExecutionResult) => void>();
    const execute: Execute = (_query, variables) => {
      const ids = variables[`${EVENT_ID_VARIABLE}s`] as string[];
      if (!ids.length) return Promise.resolve({ data: { events: [] } });
      return new Promise((resolve) => release.set(ids.join(), resolve));
    };
    hub = new SubscriptionHub({ events, execute, logger });
    const received: string[] = [];
    await hub.subscribe(plan, {}, jest.fn(), (payload) => {
      received.push((JSON.parse(payload) as { data: { alarmRaised: { id: string } } }).data.alarmRaised.id);
      return true;
    });
    await raise(events, 'a');
    await until(() => release.has('a'));
    await raise(events, 'b');
    await until(() => release.has('b')); // resolved while the first batch is still out
    release.get('b')!({ data: { events: [{ id: 'b' }] } });
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([]);
    release.get('a')!({ data: { events: [{ id: 'a' }] } });
    await until(() => received.length === 2);
    expect(received).toEqual(['a', 'b']);
    expect(hub.resolutions).toBe(2);
  });
});
