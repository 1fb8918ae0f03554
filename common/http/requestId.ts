import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';

/** The header a request id travels in: accepted from clients, forwarded to subgraphs, echoed back. */
export const REQUEST_ID_HEADER = 'x-request-id';

// Ids from clients reach logs and headers: accept only short, printable, header-safe ones.
const ACCEPTABLE_ID = /^[\w.:@-]{1,128}$/;

/** The client's id when it is acceptable, else a fresh UUID. */
export function resolveRequestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE_ID.test(value) ? value : randomUUID();
}

/** The request id that {@link requestIdMiddleware} attached to `req`. */
export const requestIdOf = (req: Request): string =>
  (req.res?.locals.requestId as string | undefined) ?? resolveRequestId(req.headers[REQUEST_ID_HEADER]);

export interface RequestIdMiddlewareOptions {
  logger: Logger;
  /**
   * Log one line per completed request (method, path, status, duration, request id) at this level.
   * Health and metrics probes are never logged.
   * @default 'info'
   */
  accessLogLevel?: 'info' | 'debug';
}

const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Gives every request an id (`x-request-id` from the client, or a new UUID), echoes it in the
 * response header, and logs the request's completion with it.
 */
export function requestIdMiddleware(options: RequestIdMiddlewareOptions) {
  const level = options.accessLogLevel ?? 'info';
  return (req: Request, response: Response, next: NextFunction): void => {
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    response.locals.requestId = requestId;
    // Downstream readers of the headers (Apollo plugins, the datasource) see the id actually used.
    req.headers[REQUEST_ID_HEADER] = requestId;
    response.setHeader(REQUEST_ID_HEADER, requestId);
    if (!QUIET_PATHS.has(req.path)) {
      const started = process.hrtime.bigint();
      response.once('finish', () => {
        options.logger[level](
          {
            requestId,
            method: req.method,
            path: req.path,
            status: response.statusCode,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          },
          'request completed',
        );
      });
    }
    next();
  };
}
