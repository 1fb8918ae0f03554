import { GraphQLError } from 'graphql';
import type { ExecutionResult } from 'graphql';
import type { EventStream, StreamEntry } from '../../common/events';
import type { Logger } from '../../common/logger';
import { matchesFilter } from './filter';
import { EVENT_ID_VARIABLE } from './plan';
import type { SubscriptionPlan } from './plan';
import { Subscriber } from './subscriber';
import type { Sink } from './subscriber';

/** Runs a query through the gateway's normal federated execution, as the given caller. */
export type Execute = (
  query: string,
  variables: Record<string, unknown>,
  context: unknown,
) => Promise<ExecutionResult>;

export interface HubOptions {
  events: EventStream;
  execute: Execute;
  logger: Logger;
  /** Events a subscriber may have queued before it is disconnected as too slow. @default 1000 */
  maxQueue?: number;
  /** Called with the number of resolutions made, for metrics and tests. */
  onResolve?: () => void;
  /** Called with each entry's age when the hub reads it, for the event-stream lag metric. */
  onLag?: (ms: number) => void;
}

interface Group {
  plan: SubscriptionPlan;
  context: unknown;
  subscribers: Set<Subscriber>;
  /** Live events waiting to be resolved, in stream order. */
  pending: StreamEntry[];
  /** Whether a pump is due once the entries being dispatched now are all queued. */
  scheduled: boolean;
  /** Batches being resolved now. */
  inFlight: number;
  /** Settles once every batch started so far has been offered to the subscribers. */
  delivered: Promise<void>;
  /** Recent resolutions by event id, shared by live delivery and catching up. */
  resolved: Map<string, ExecutionResult>;
}

const RESOLVED_KEPT = 256;
/**
 * Batch sizes the aliased queries come in, when the rule has no list field. Each distinct
 * operation text is planned once by the gateway, and planning is far dearer than resolving: a
 * batch is padded (repeating its last id) to the next size, so a group needs at most seven plans.
 */
const BATCH_SIZES = [1, 2, 4, 8, 16, 32, 50] as const;
/** Events resolved in one federated execution at most. */
const MAX_BATCH = 50;
/**
 * Batches of one group resolved at the same time. While one waits on the subgraphs, the next
 * starts instead of waiting behind it; results are still offered in stream order.
 */
const MAX_IN_FLIGHT = 2;
const SEEN_KEPT = 10_000;
const BATCH = 500;

/**
 * Fans stream events out to subscribers. One reader per stream per gateway process; subscribers
 * with the same operation, variables and access scope form a group that resolves each event
 * once, however many clients it has.
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  /** Per stream: resolves once the reader has pinned its starting point. */
  private readonly started = new Map<string, Promise<void>>();
  private readonly readers: Promise<void>[] = [];
  private closed = false;
  private readonly maxQueue: number;
  /** Event resolutions made so far: one per event per matching group, whatever the number of clients. */
  resolutions = 0;
  /** Federated executions made for them (events arriving together share one). */
  executions = 0;

  constructor(private readonly options: HubOptions) {
    this.maxQueue = options.maxQueue ?? 1000;
  }

  get subscriberCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.subscribers.size;
    return n;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  /**
   * Starts a subscription; `onOverflow` must disconnect the client. With `sink`, events are
   * written through it instead of queued for the subscriber's iterator.
   */
  async subscribe(
    plan: SubscriptionPlan,
    context: unknown,
    onOverflow: () => void,
    sink?: Sink,
  ): Promise<Subscriber> {
    await this.ensureReader(plan.rule.stream);
    let group = this.groups.get(plan.groupKey);
    if (!group) {
      group = {
        plan,
        context,
        subscribers: new Set(),
        pending: [],
        scheduled: false,
        inFlight: 0,
        delivered: Promise.resolve(),
        resolved: new Map(),
      };
      this.groups.set(plan.groupKey, group);
      if (plan.batchByList) void this.prepare(group);
    }
    const g = group;
    const subscriber: Subscriber = new Subscriber(
      this.maxQueue,
      onOverflow,
      () => this.leave(g, subscriber),
      plan.after,
      sink,
    );
    g.subscribers.add(subscriber);
    if (plan.after) void this.catchUp(g, subscriber, plan.after);
    return subscriber;
  }

  private leave(group: Group, subscriber: Subscriber): void {
    group.subscribers.delete(subscriber);
    if (!group.subscribers.size && this.groups.get(group.plan.groupKey) === group)
      this.groups.delete(group.plan.groupKey);
  }

  private matches(plan: SubscriptionPlan, entry: StreamEntry): boolean {
    return plan.types.has(entry.type) && matchesFilter(plan.filterType, plan.filter, entry.payload);
  }

  /**
   * Resolves events for a group: those not resolved before go through the gateway together, as
   * one aliased query, and each comes back as its own result with its own errors.
   */
  private async resolveAll(group: Group, entries: readonly StreamEntry[]): Promise<ExecutionResult[]> {
    const { plan } = group;
    const missing = entries.filter((e) => !group.resolved.has(e.id));
    if (missing.length) {
      this.resolutions += missing.length;
      this.executions++;
      this.options.onResolve?.();
      const ids = missing.map((e) => e.payload[plan.rule.idKey]);
      const size = plan.batchByList ? ids.length : (BATCH_SIZES.find((n) => n >= ids.length) ?? ids.length);
      const variables: Record<string, unknown> = { ...plan.variables };
      if (plan.batchByList) variables[`${EVENT_ID_VARIABLE}s`] = ids;
      else
        for (let i = 0; i < size; i++)
          variables[`${EVENT_ID_VARIABLE}${i}`] = ids[Math.min(i, ids.length - 1)];
      let result: ExecutionResult;
      try {
        result = await this.options.execute(plan.batchQuery(size), variables, group.context);
      } catch (err) {
        this.options.logger.error({ err, stream: plan.rule.stream }, 'cannot resolve subscription events');
        result = {
          errors: [
            new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
          ],
        };
      }
      missing.forEach((e, i) => {
        const part = plan.batchByList ? ['events', i] : [`e${i}`];
        group.resolved.set(e.id, splitResult(result, part, plan.responseKey));
        if (group.resolved.size > RESOLVED_KEPT) group.resolved.delete(group.resolved.keys().next().value!);
      });
    }
    return entries.map((e) => group.resolved.get(e.id)!);
  }

  /**
   * Resolves the stream's newest entity once, for nobody, when a group is created, so that its
   * first live event does not pay for what only a first execution costs: the gateway's query plan
   * and each subgraph's first parse, validation and connections for this operation (measured at
   * 200 alarms/s, that cold path was most of the p99 of a five-second run). It runs with the
   * subscriber's own rights and its result is dropped; it is not counted as a resolution.
   */
  private async prepare(group: Group): Promise<void> {
    const { plan } = group;
    try {
      const newest = await this.options.events.tail(plan.rule.stream, 1);
      await this.options.execute(
        plan.batchQuery(newest.length),
        { ...plan.variables, [`${EVENT_ID_VARIABLE}s`]: newest.map((e) => e.payload[plan.rule.idKey]) },
        group.context,
      );
    } catch (err) {
      this.options.logger.warn({ err, stream: plan.rule.stream }, 'cannot prepare a subscription query');
    }
  }

  /** Sends a reconnecting subscriber what it missed after `after`, then lets live events through. */
  private async catchUp(group: Group, subscriber: Subscriber, after: string): Promise<void> {
    const { stream } = group.plan.rule;
    const seen = new Set<string>();
    let cursor = after;
    try {
      for (;;) {
        const entries = await this.options.events.range(stream, cursor, BATCH);
        const wanted = entries.filter((entry) => {
          if (seen.has(entry.outboxId) || !this.matches(group.plan, entry)) return false;
          seen.add(entry.outboxId);
          return true;
        });
        for (let i = 0; i < wanted.length; i += MAX_BATCH) {
          const slice = wanted.slice(i, i + MAX_BATCH);
          const results = await this.resolveAll(group, slice);
          slice.forEach((entry, k) => subscriber.replay({ eventId: entry.id, result: results[k]! }));
        }
        if (entries.length) cursor = entries.at(-1)!.id;
        if (entries.length < BATCH) break;
      }
      subscriber.caughtUp();
    } catch (err) {
      this.options.logger.warn({ err, stream }, 'cannot replay missed events; the client should reconnect');
      subscriber.end();
    }
  }

  private dispatch(stream: string, entry: StreamEntry): void {
    for (const group of this.groups.values()) {
      if (group.plan.rule.stream !== stream || !this.matches(group.plan, entry)) continue;
      group.pending.push(entry);
      // Entries read together are dispatched in one synchronous loop: pump after it, so they
      // form one batch instead of the first going alone.
      if (!group.scheduled) {
        group.scheduled = true;
        queueMicrotask(() => {
          group.scheduled = false;
          this.pump(group);
        });
      }
    }
  }

  /**
   * Starts resolving a group's waiting events, up to MAX_IN_FLIGHT batches at once; whatever
   * arrives meanwhile forms the next batch. Each batch is offered after the one before it, so
   * subscribers receive events in stream order.
   */
  private pump(group: Group): void {
    while (group.pending.length && group.inFlight < MAX_IN_FLIGHT) {
      if (!group.subscribers.size) {
        group.pending.length = 0;
        return;
      }
      const batch = group.pending.splice(0, MAX_BATCH);
      group.inFlight++;
      const resolving = this.resolveAll(group, batch);
      // Its failure is handled in turn below; until then it must not count as unhandled.
      resolving.catch(() => undefined);
      group.delivered = group.delivered
        .then(async () => {
          const results = await resolving;
          batch.forEach((entry, i) => {
            // One Delivery per event for the whole group: its JSON is made once (see Subscriber).
            const delivery = { eventId: entry.id, result: results[i]! };
            for (const s of group.subscribers) s.offer(delivery);
          });
        })
        .catch((err: unknown) => {
          this.options.logger.error(
            { err, stream: group.plan.rule.stream },
            'cannot deliver subscription events',
          );
        })
        .finally(() => {
          group.inFlight--;
          this.pump(group);
        });
    }
  }

  private ensureReader(stream: string): Promise<void> {
    let started = this.started.get(stream);
    if (!started) {
      started = this.startReader(stream);
      this.started.set(stream, started);
      // A failed start (stream unreachable) is retried by the next subscription.
      started.catch(() => this.started.delete(stream));
    }
    return started;
  }

  private async startReader(stream: string): Promise<void> {
    const { events, logger } = this.options;
    // Pin the starting point before anyone counts as subscribed, so nothing appended in between is skipped.
    let last = await events.lastId(stream);
    const seen = new Set<string>();
    const reader = (async () => {
      let failures = 0;
      while (!this.closed) {
        try {
          const entries = await events.read(stream, last, 1_000, BATCH);
          failures = 0;
          for (const entry of entries) {
            last = entry.id;
            // The relay may have sent a row twice (a crash between send and commit).
            if (seen.has(entry.outboxId)) continue;
            seen.add(entry.outboxId);
            if (seen.size > SEEN_KEPT) seen.delete(seen.values().next().value!);
            const at = Date.parse(entry.at);
            if (Number.isFinite(at)) this.options.onLag?.(Date.now() - at);
            this.dispatch(stream, entry);
          }
        } catch (err) {
          failures++;
          if (failures === 1 || failures % 50 === 0)
            logger.warn({ err, stream, failures }, 'cannot read event stream; will retry');
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 2_000)));
        }
      }
    })();
    this.readers.push(reader);
  }

  /** Ends every subscription and stops reading. */
  async close(): Promise<void> {
    this.closed = true;
    for (const g of [...this.groups.values()]) for (const s of [...g.subscribers]) s.end();
    await Promise.all(this.readers);
  }
}

/**
 * One event's result out of a batched execution: the value at `at` (an aliased field, or a list
 * field and an index), and the errors under it, re-rooted at the subscription's response key.
 */
function splitResult(
  result: ExecutionResult,
  at: readonly (string | number)[],
  responseKey: string,
): ExecutionResult {
  const under = (path: readonly (string | number)[]) => at.every((p, i) => path[i] === p);
  const errors = (result.errors ?? [])
    .filter((e) => !e.path || under(e.path))
    .map(
      (e) =>
        new GraphQLError(e.message, {
          path: e.path ? [responseKey, ...e.path.slice(at.length)] : undefined,
          extensions: e.extensions,
        }),
    );
  let value: unknown = result.data;
  for (const p of at) value = (value as Record<string | number, unknown> | null | undefined)?.[p];
  const data = result.data ? { [responseKey]: value ?? null } : null;
  return errors.length ? { data, errors } : { data };
}
