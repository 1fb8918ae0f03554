import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../../common/auth';
import { testToken } from './auth';

export interface Received {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { eventId?: string };
}

/**
 * A real graphql-ws client on one subscription, collecting what arrives so a test can wait for
 * the n-th message (with a deadline, never a fixed sleep).
 */
export interface TestSubscription {
  readonly received: Received[];
  /** Resolves when `count` messages have arrived in total; rejects after `ms`. */
  waitFor(count: number, ms?: number): Promise<Received[]>;
  /** Resolves with the close code once the server ends the connection. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/**
 * Subscribes over graphql-ws as the holder of `token` (a city administrator of the test gateway
 * unless given; `null` sends none), authenticated by the connection parameters.
 */
export async function subscribe(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string | null,
): Promise<TestSubscription> {
  const bearer = token === undefined ? await testToken({ role: Role.CITY_ADMIN, sub: 'test-admin' }) : token;
  return open(url, query, variables, bearer);
}

function open(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<TestSubscription> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  let resolveClosed: (v: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
  let client: Client;
  return new Promise((resolve, reject) => {
    client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      on: {
        connected: () => resolve(handle),
        closed: (event) => {
          const e = event as { code: number; reason: string };
          resolveClosed({ code: e.code, reason: String(e.reason) });
        },
        error: (err) => reject(err),
      },
    });
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (msg) => {
          received.push(msg as Received);
          waiters.splice(0).forEach((w) => w());
        },
        // An operation refused by the server (e.g. UNAUTHENTICATED) arrives as its errors.
        error: (err) => {
          if (Array.isArray(err)) {
            received.push({ errors: err as Received['errors'] });
            waiters.splice(0).forEach((w) => w());
          }
        },
        complete: () => undefined,
      },
    );
    const handle: TestSubscription = {
      received,
      closed,
      waitFor(count, ms = 15_000) {
        return new Promise((res, rej) => {
          const timer = setTimeout(
            () =>
              rej(
                new Error(`expected ${count} messages, got ${received.length}: ${JSON.stringify(received)}`),
              ),
            ms,
          );
          const check = () => {
            if (received.length >= count) {
              clearTimeout(timer);
              res(received.slice(0, count));
            } else waiters.push(check);
          };
          check();
        });
      },
      async close() {
        dispose();
        await client.dispose();
      },
    };
  });
}
