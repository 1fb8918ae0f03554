import type { ExecutionResult } from 'graphql';
import { compareIds } from '../../common/events';

export interface Delivery {
  eventId: string;
  result: ExecutionResult;
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

  private send({ eventId, result }: Delivery): void {
    if (this.done || compareIds(eventId, this.lastSent) <= 0) return;
    this.lastSent = eventId;
    const withId: ExecutionResult = { ...result, extensions: { ...result.extensions, eventId } };
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
