import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { AppError, ErrorCode } from '../../common/errors';
import { requestIdOf } from '../../common/http/requestId';
import type { GraphQLSchema } from 'graphql';
import { createQueryLimiter, isRecord } from './queryLimiter';
import type { OperationParams, QueryLimiter, QueryLimits } from './queryLimiter';

export * from './queryLimiter';

export type CarriedOperation =
  | { kind: 'single'; params: OperationParams }
  /** A JSON array of operations (Apollo's batching, which the gateway leaves off). */
  | { kind: 'batch' }
  /** Nothing readable as an operation; Apollo answers the request with its own error. */
  | { kind: 'none' };

const jsonOrRaw = (value: string | null): unknown => {
  if (value === null) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const searchOf = (req: Request): URLSearchParams => {
  const at = req.url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : req.url.slice(at + 1));
};

/** The operation a request carries: a POST's parsed JSON body, or a GET's query string. */
export function operationOf(req: Request): CarriedOperation {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const search = searchOf(req);
    if (!search.has('query') && !search.has('extensions')) return { kind: 'none' };
    return {
      kind: 'single',
      params: {
        query: search.get('query') ?? undefined,
        operationName: search.get('operationName') ?? undefined,
        variables: jsonOrRaw(search.get('variables')),
        extensions: jsonOrRaw(search.get('extensions')),
      },
    };
  }
  const body: unknown = req.body;
  if (Array.isArray(body)) return { kind: 'batch' };
  return isRecord(body) ? { kind: 'single', params: body } : { kind: 'none' };
}

/**
 * Puts `query` in the request in place of what the client sent, and drops the `persistedQuery`
 * extension so Apollo executes exactly this text and never consults a persisted-query store.
 */
export function replaceQuery(req: Request, query: string): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const search = searchOf(req);
    search.set('query', query);
    const extensions = jsonOrRaw(search.get('extensions'));
    if (isRecord(extensions)) {
      const { persistedQuery: _dropped, ...rest } = extensions;
      if (Object.keys(rest).length) search.set('extensions', JSON.stringify(rest));
      else search.delete('extensions');
    }
    const at = req.url.indexOf('?');
    req.url = `${at < 0 ? req.url : req.url.slice(0, at)}?${search.toString()}`;
    return;
  }
  const body = req.body as Record<string, unknown>;
  body.query = query;
  if (isRecord(body.extensions)) {
    const { persistedQuery: _dropped, ...rest } = body.extensions;
    body.extensions = rest;
  }
}

/** Answers a refused request with a GraphQL-shaped body, as Apollo would shape the error. */
export function refuse(
  req: Request,
  res: Response,
  status: number,
  error: AppError,
  headers: Record<string, string> = {},
): void {
  res
    .status(status)
    .set(headers)
    .json({
      errors: [{ message: error.message, extensions: { ...error.extensions, requestId: requestIdOf(req) } }],
    });
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes of a size as BODY_LIMIT writes it ('1mb', '512kb', '1048576'), with body-parser's units. */
export function parseByteSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!m) throw new Error(`not a byte size: ${JSON.stringify(value)} (e.g. 1mb, 512kb)`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

export interface SchemaSource {
  /** Apollo gateway's hook: called with each schema it starts serving. */
  onSchemaLoadOrUpdate(callback: (schema: { apiSchema: GraphQLSchema }) => void): unknown;
}

export interface RequestLimitsOptions {
  limits: QueryLimits;
  /** Largest accepted body, e.g. '1mb' (BODY_LIMIT). */
  bodyLimit: string;
  /** Where the served schema comes from. */
  gateway: SchemaSource;
}

export interface RequestLimits {
  /**
   * Refuses a body over the limit from its Content-Length (nothing is read), parses JSON bodies,
   * and answers body errors as GraphQL-shaped JSON. Mount it before anything reads `req.body`.
   */
  readonly body: RequestHandler;
  /** Refuses an operation over the limits, and batched requests, before Apollo sees them. */
  readonly operation: RequestHandler;
  readonly limiter: QueryLimiter;
}

const payloadTooLarge = (limit: string) =>
  new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the request body exceeds the limit of ${limit}`, { limit });

/**
 * The gateway's limits before work, as express middleware on `/graphql`, after authentication:
 * every refusal costs at most one bounded parse (none for a repeated document) and never reaches
 * Apollo's validation, planning or a subgraph.
 */
export function createRequestLimits(options: RequestLimitsOptions): RequestLimits {
  const limitBytes = parseByteSize(options.bodyLimit);
  let schema: GraphQLSchema | undefined;
  options.gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    schema = apiSchema;
  });
  const limiter = createQueryLimiter({ limits: options.limits, schema: () => schema });

  const json = express.json({ limit: limitBytes });
  // A chunked body has no Content-Length: body-parser counts it and stops at the limit.
  const bodyError = (err: unknown, req: Request, res: Response, next: (err?: unknown) => void): void => {
    const e = err as { type?: unknown; status?: unknown; message?: unknown };
    if (e.type === 'entity.too.large') return refuse(req, res, 413, payloadTooLarge(options.bodyLimit));
    if (typeof e.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      const message =
        e.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : String(e.message);
      return refuse(req, res, e.status, new AppError(ErrorCode.BAD_REQUEST, message));
    }
    next(err);
  };
  const body: RequestHandler = (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      // Closing the connection spares reading (or draining) a body that will never be used.
      return refuse(req, res, 413, payloadTooLarge(options.bodyLimit), { connection: 'close' });
    }
    json(req, res, (err?: unknown) => (err ? bodyError(err, req, res, next) : next()));
  };

  const operation: RequestHandler = (req, res, next) => {
    const carried = operationOf(req);
    if (carried.kind === 'batch')
      return refuse(
        req,
        res,
        400,
        new AppError(
          ErrorCode.BAD_REQUEST,
          'batched requests (a JSON array) are not accepted; send one operation per request',
        ),
      );
    if (carried.kind === 'none') return next();
    const refusal = limiter.check(carried.params);
    if (refusal) return refuse(req, res, 400, refusal);
    next();
  };

  return {
    body,
    operation,
    limiter,
  };
}
