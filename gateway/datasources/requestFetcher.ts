import type { Dispatcher } from 'undici';
import { request } from 'undici';

/** The part of a fetch Response that Apollo's RemoteGraphQLDataSource reads. */
export interface BufferedResponse {
  readonly bodyUsed: boolean;
  readonly url: string;
  readonly redirected: false;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: BufferedHeaders;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  clone(): BufferedResponse;
}

/** Read-only response headers (lower-cased names, as HTTP/1.1 gives them to undici). */
export class BufferedHeaders implements Iterable<[string, string]> {
  private readonly map = new Map<string, string>();

  constructor(raw: Record<string, string | string[] | undefined>) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined)
        this.map.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  append(): void {
    throw new TypeError('response headers are immutable');
  }
  delete(): void {
    throw new TypeError('response headers are immutable');
  }
  set(): void {
    throw new TypeError('response headers are immutable');
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** A response whose body was read whole. */
export function bufferedText(
  url: string,
  status: number,
  headers: BufferedHeaders,
  body: string,
): BufferedResponse {
  return {
    bodyUsed: false,
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText: '',
    headers,
    arrayBuffer: async () => {
      const bytes = Buffer.from(body);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    text: async () => body,
    json: async () => JSON.parse(body) as unknown,
    clone: () => bufferedText(url, status, headers, body),
  };
}

/**
 * A response whose JSON body was parsed already (one element of a batch's array): `json()` hands
 * over that value, once; a clone gets its own copy, so no two readers share one object.
 */
export function bufferedJson(
  url: string,
  status: number,
  headers: BufferedHeaders,
  value: unknown,
): BufferedResponse {
  const text = () => JSON.stringify(value);
  return {
    ...bufferedText(url, status, headers, ''),
    arrayBuffer: () => bufferedText(url, status, headers, text()).arrayBuffer(),
    text: async () => text(),
    json: async () => value,
    clone: () => bufferedText(url, status, headers, text()),
  };
}

export interface RequestFetcherOptions {
  dispatcher: Dispatcher;
  /**
   * Deadline for the subgraph's response headers, then for each pause in its body, in ms. A
   * subgraph sends its answer in one piece once resolved, so this bounds the whole call without an
   * AbortSignal and its timer per request.
   */
  timeoutMs: number;
}

/**
 * A fetch-compatible function for Apollo's datasource over `undici.request`: fetch's WHATWG
 * streams, Request/Headers objects and per-call AbortSignal cost a federated request several
 * milliseconds of CPU that `request` does not, for bodies a subgraph answers in one piece anyway.
 */
export function createRequestFetcher(options: RequestFetcherOptions) {
  return async (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
  ): Promise<BufferedResponse> => {
    const res = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init.headers ?? {},
      body: init.body ?? null,
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const body = await res.body.text();
    return bufferedText(url, res.statusCode, new BufferedHeaders(res.headers), body);
  };
}
