import { REQUEST_ID_HEADER } from '../../common/http/requestId';
import { isQueryOnly } from './inflight';
import type { FetchInit, ScopedFetch, SubgraphFetch } from './inflight';
import { bufferedJson, bufferedText } from './requestFetcher';
import type { BufferedResponse } from './requestFetcher';

export interface BatchOptions {
  /** Most operations in one HTTP request; more queued at once go out in several. */
  maxBatch: number;
  /**
   * Largest body a batch may grow to, in bytes, so that batching never makes a request the
   * subgraph's body limit refuses (1 MB for ours); a single larger operation goes on its own.
   * @default 256 KiB
   */
  maxBatchBytes?: number;
  /**
   * While a request to the same subgraph for the same scope is still awaited, how long a new
   * query may wait for others to share its request, in ms; 0 sends every turn's queue at once.
   * @default 5
   */
  maxWaitMs?: number;
  /** Called with the size of every batch of more than one operation that is sent. */
  onBatch: (operations: number) => void;
  /**
   * Called once if the subgraph refuses batched requests (HTTP 400 without a result per
   * operation); its queries are sent one by one from then on.
   */
  onUnsupported: () => void;
}

interface Queue {
  url: string;
  members: Member[];
  timer?: NodeJS.Timeout;
}

interface Member {
  init: FetchInit;
  body: string;
  resolve: (res: BufferedResponse) => void;
  reject: (err: unknown) => void;
}

/**
 * The operation's body with the gateway request's id in its `extensions`, so the subgraph's log
 * lines for it name the request it belongs to (the batch's HTTP header can carry only one). A
 * body that mentions `"extensions":` anywhere is left as it is rather than risk a duplicate key.
 */
function withRequestId(body: string, requestId: string | undefined): string {
  if (!requestId || !body.endsWith('}') || body.includes('"extensions":')) return body;
  return `${body.slice(0, -1)},"extensions":{"requestId":${JSON.stringify(requestId)}}}`;
}

/**
 * Wraps a subgraph fetch so that queries for callers of one access scope, issued to the same
 * subgraph in the same turn of the event loop, leave as one HTTP request whose body is the JSON
 * array of their operations (Apollo Server's HTTP batching, `allowBatchedHttpRequests`). The
 * subgraph runs them side by side with one context, so its DataLoaders read the rows of all of
 * them in one statement per loader; each caller gets its own element of the answer: its own
 * `data` and its own `errors`.
 *
 * Only what the in-flight sharing would also share is batched: a query (never a mutation) with an
 * access scope; the batch goes out with the first member's signed caller, whose scope every
 * member has.
 *
 * When nothing is awaited from that subgraph for that scope, the queue leaves once the current
 * turn's I/O callbacks are done (`setImmediate`): a lone request pays one event-loop hop. While a
 * request is awaited, new queries wait for it to come back, at most `maxWaitMs`, and leave
 * together. Requests that arrive spread out, not in the same turn, so share a request exactly
 * when the subgraph is busy: under a steady rate, merging only what one turn held left most
 * queries alone, each paying the whole per-request cost just when the machine had least to spare.
 */
export function batchQueries(fetch: SubgraphFetch, options: BatchOptions): ScopedFetch {
  const queues = new Map<string, Queue>();
  // Requests sent and not answered yet, by subgraph and scope.
  const awaited = new Map<string, number>();
  const maxBatchBytes = options.maxBatchBytes ?? 256 * 1024;
  const maxWaitMs = options.maxWaitMs ?? 5;
  let unsupported = false;

  const sendOne = (url: string, member: Member) =>
    fetch(url, member.init).then(member.resolve, member.reject);

  function track(key: string, sent: Promise<void>): void {
    awaited.set(key, (awaited.get(key) ?? 0) + 1);
    const settled = () => {
      const left = (awaited.get(key) ?? 1) - 1;
      if (left > 0) {
        awaited.set(key, left);
        return;
      }
      awaited.delete(key);
      // The subgraph answered everything: what waited for it goes now.
      if (queues.get(key)?.timer) flush(key);
    };
    // Its members hear of a failure through their own promises; here it only ends the wait.
    sent.then(settled, settled);
  }

  async function sendBatch(url: string, members: Member[]): Promise<void> {
    const first = members[0]!.init;
    const body = `[${members
      .map((m) => withRequestId(m.body, m.init.headers?.[REQUEST_ID_HEADER]))
      .join(',')}]`;
    let res: BufferedResponse;
    try {
      res = await fetch(url, { ...first, body });
    } catch (err) {
      for (const m of members) m.reject(err);
      return;
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) {
      if (res.status === 413) {
        // Too large together after all (a subgraph with a lower limit): each on its own.
        for (const m of members) void sendOne(url, m);
        return;
      }
      if (res.status === 400 && !unsupported) {
        // A subgraph without batching answers 400 for the array it cannot read.
        unsupported = true;
        options.onUnsupported();
        for (const m of members) void sendOne(url, m);
        return;
      }
      // A failure of the whole request (401, 5xx, a proxy's page): every member gets it as is.
      for (const m of members) m.resolve(bufferedText(url, res.status, res.headers, text));
      return;
    }
    if (parsed.length !== members.length) {
      const err = new Error(
        `subgraph answered a batch of ${members.length} operations with ${parsed.length} results`,
      );
      for (const m of members) m.reject(err);
      return;
    }
    options.onBatch(members.length);
    // Apollo Server gives a batch one HTTP status: a request error of one operation (no `data`)
    // turns it into 400 for all. Each element gets the status it would have had on its own.
    members.forEach((m, i) => {
      const element = parsed[i] as unknown;
      const executed = typeof element === 'object' && element !== null && 'data' in element;
      const status = executed || res.ok ? 200 : res.status;
      m.resolve(bufferedJson(url, status, res.headers, element));
    });
  }

  function flush(key: string): void {
    const queue = queues.get(key);
    queues.delete(key);
    if (!queue) return;
    clearTimeout(queue.timer);
    const { url, members } = queue;
    const send = (chunk: Member[]) => {
      if (chunk.length === 1) track(key, sendOne(url, chunk[0]!));
      else if (chunk.length > 1) track(key, sendBatch(url, chunk));
    };
    let chunk: Member[] = [];
    let bytes = 2;
    for (const member of members) {
      const size = Buffer.byteLength(member.body) + 1;
      if (chunk.length && (chunk.length === options.maxBatch || bytes + size > maxBatchBytes)) {
        send(chunk);
        chunk = [];
        bytes = 2;
      }
      chunk.push(member);
      bytes += size;
    }
    send(chunk);
  }

  return (url, init, scope) => {
    const { body } = init;
    if (unsupported || scope === undefined || typeof body !== 'string' || !isQueryOnly(body))
      return fetch(url, init);
    const key = `${url}\n${scope}`;
    return new Promise<BufferedResponse>((resolve, reject) => {
      let queue = queues.get(key);
      if (!queue) {
        queue = { url, members: [] };
        queues.set(key, queue);
        if (awaited.has(key) && maxWaitMs > 0) queue.timer = setTimeout(flush, maxWaitMs, key);
        else setImmediate(flush, key);
      }
      queue.members.push({ init, body, resolve, reject });
    });
  };
}
