import type { ExecutionResult } from 'graphql';
import { compareIds } from '../../common/events';

export interface Delivery {
  eventId: string;
  result: ExecutionResult;
}

/**
 * Writes one event to the client: `payload` is the JSON of its result with the event id. Returns
 * false when the client has too much unwritten already (it reads too slowly).
 */
export type Sink = (payload: string) => boolean;

/** The result with its event id, as the client receives it. */
const withEventId = ({ eventId, result }: Delivery): ExecutionResult => ({
  ...result,
  extensions: { ...result.extensions, eventId },
});

// A group offers one Delivery to all its subscribers: its JSON is made once, not once per client.
const serialised = new WeakMap<Delivery, string>();
function payloadOf(d: Delivery): string {
  let json = serialised.get(d);
  if (json === undefined) {
    json = JSON.stringify(withEventId(d));
    serialised.set(d, json);
  }
  return json;
}

/**
 * One client's subscription: an async iterator over a bounded queue. Live events are held back
 * while the subscriber is still catching up on what it missed (`after`), then released in stream
 * order; an event at or before the last one sent is dropped, so nothing arrives twice.
 */
export class Subscriber implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private readonly held: Delivery[] = [];
  private waiting: ((r: IteratorResult<ExecutionResult>) => void) | undefined;
  private done = false;
  private lastSent: string;
  catchingUp: boolean;

  constructor(
    private readonly maxQueue: number,
    /** Called once when the queue overflows: the client reads too slowly. */
    private readonly onOverflow: () => void,
    /** Called once when the client or the server ends the subscription. */
    private readonly onEnd: () => void,
    after: string | null,
    /**
     * Where events go when given: straight to the client's socket, serialised once per group,
     * bypassing the iterator (which then only ends). Without it they queue for `next()`.
     */
    private readonly sink?: Sink,
  ) {
    this.lastSent = after ?? '0-0';
    this.catchingUp = after !== null;
  }

  /** A live event for this subscriber. */
  offer(d: Delivery): void {
    if (this.done) return;
    if (this.catchingUp) {
      if (this.held.length >= this.maxQueue) return this.overflow();
      this.held.push(d);
    } else {
      this.send(d);
    }
  }

  /** An event found while catching up. */
  replay(d: Delivery): void {
    if (!this.done) this.send(d);
  }

  /** Catching up is over: release the live events held meanwhile. */
  caughtUp(): void {
    this.catchingUp = false;
    for (const d of this.held.splice(0)) this.send(d);
  }

  private send(d: Delivery): void {
    if (this.done || compareIds(d.eventId, this.lastSent) <= 0) return;
    this.lastSent = d.eventId;
    if (this.sink) {
      if (!this.sink(payloadOf(d))) this.overflow();
      return;
    }
    const withId = withEventId(d);
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: withId, done: false });
    } else if (this.queue.length >= this.maxQueue) {
      this.overflow();
    } else {
      this.queue.push(withId);
    }
  }

  private overflow(): void {
    this.end();
    this.onOverflow();
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.held.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    this.onEnd();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
