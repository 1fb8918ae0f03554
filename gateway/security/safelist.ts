import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, RequestHandler } from 'express';
import { Kind, parse, validate } from 'graphql';
import { Role } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { ConfigError } from '../../common/config';
import { AppError, ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { SCHEMA_DIR } from '../../subgraphs/catalog';
import { operationOf, refuse, replaceQuery } from './limits';
import type { SchemaSource } from './limits';

/** Where the operations partners may run are kept, one `.graphql` file per operation. */
export const DEFAULT_PARTNER_OPERATIONS_DIR = join(SCHEMA_DIR, 'partner-operations');

export interface RegisteredOperation {
  /** sha256 (hex) of the file's text, trimmed: what a partner sends as `persistedQuery.sha256Hash`. */
  readonly hash: string;
  readonly name: string;
  /** The document as executed: the file's text, trimmed. */
  readonly query: string;
  readonly file: string;
}

export const operationHash = (text: string): string => createHash('sha256').update(text.trim()).digest('hex');

/**
 * Reads the registered partner operations: each `.graphql` file of `dir` is one document with
 * exactly one named query (fragments allowed). Partners are read-only, so a mutation or
 * subscription is a configuration error, as is a name used twice; every problem is reported at once.
 */
export function loadPartnerOperations(dir: string): RegisteredOperation[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .sort();
  } catch (err) {
    throw new ConfigError([`PARTNER_OPERATIONS_DIR: cannot read ${dir}: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  const operations: RegisteredOperation[] = [];
  for (const file of files) {
    const query = readFileSync(join(dir, file), 'utf8').trim();
    let definitions;
    try {
      definitions = parse(query, { noLocation: true }).definitions;
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
      continue;
    }
    const ops = definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const op = ops[0];
    if (ops.length !== 1 || !op) {
      problems.push(`${file}: holds ${ops.length} operations; register exactly one per file`);
      continue;
    }
    if (!op.name) problems.push(`${file}: the operation needs a name`);
    else if (op.operation !== 'query')
      problems.push(`${file}: ${op.name.value} is a ${op.operation}; partners only read`);
    else if (operations.some((o) => o.name === op.name!.value))
      problems.push(`${file}: operation name ${op.name.value} is registered twice`);
    else operations.push({ hash: operationHash(query), name: op.name.value, query, file });
  }
  if (problems.length) throw new ConfigError(problems.map((p) => `PARTNER_OPERATIONS_DIR ${dir}: ${p}`));
  return operations;
}

const isPartner = (caller: Caller | undefined): boolean => caller?.role === Role.PARTNER_BUREAU;

const notInSafelist = (detail: string, hash?: string): AppError =>
  new AppError(
    ErrorCode.OPERATION_NOT_IN_SAFELIST,
    `partners may run only their registered operations; ${detail}`,
    hash ? { hash } : {},
  );

/**
 * Refuses a partner on a WebSocket: registered partner operations are queries served over HTTP,
 * where the safelist is enforced; a socket would carry any operation past it.
 */
export function assertSocketAllowed(caller: Caller): void {
  if (isPartner(caller)) throw notInSafelist('they are served over HTTP, not over a WebSocket');
}

export interface SafelistOptions {
  /** PARTNER_OPERATIONS_DIR. */
  dir: string;
  /** The authenticated caller of a request (set by the authentication middleware). */
  callerOf: (req: Request) => Caller | undefined;
  /** When given, each served schema is checked to still answer every registered operation. */
  gateway?: SchemaSource;
  logger?: Logger;
}

export interface Safelist {
  readonly operations: readonly RegisteredOperation[];
  /** The registered operation with this hash (of its trimmed text). */
  byHash(hash: string): RegisteredOperation | undefined;
  /**
   * Express middleware, after the body is parsed and before the operation limits. A partner's
   * request must name a registered operation, by `extensions.persistedQuery.sha256Hash` alone or
   * by sending its text; anything else is answered 403 OPERATION_NOT_IN_SAFELIST. The registered
   * text replaces what was sent, so exactly the reviewed document runs. Other callers may use the
   * same hashes; their other operations pass untouched (minus a `persistedQuery` extension, which
   * automatic persisted queries resolved before this step (persistedQueries.ts) and register after
   * the limits; with APQ off, an unknown hash is answered here, 400 BAD_REQUEST).
   */
  readonly middleware: RequestHandler;
}

export function createSafelist(options: SafelistOptions): Safelist {
  const operations = loadPartnerOperations(options.dir);
  const hashes = new Map(operations.map((o) => [o.hash, o]));

  options.gateway?.onSchemaLoadOrUpdate(({ apiSchema }) => {
    for (const op of operations) {
      const errors = validate(apiSchema, parse(op.query));
      if (errors.length)
        options.logger?.error(
          { operation: op.name, file: op.file, errors: errors.map((e) => e.message) },
          'a registered partner operation does not fit the served schema; partners calling it get errors',
        );
    }
  });

  const middleware: RequestHandler = (req, res, next) => {
    const carried = operationOf(req);
    // Batches are refused for everyone by the operation limits, with a clearer reason.
    if (carried.kind === 'batch') return next();
    const partner = isPartner(options.callerOf(req));
    if (carried.kind === 'none') {
      if (partner) return refuse(req, res, 403, notInSafelist('the request names no operation'));
      return next();
    }
    const { query, extensions } = carried.params;
    const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
      ?.persistedQuery;
    const sentHash =
      typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash.toLowerCase() : undefined;

    if (typeof query === 'string' && query.trim()) {
      const registered = hashes.get(operationHash(query));
      if (partner && !registered)
        return refuse(req, res, 403, notInSafelist('this operation is not registered', operationHash(query)));
      if (
        sentHash &&
        sentHash !== operationHash(query) &&
        sentHash !== createHash('sha256').update(query).digest('hex')
      )
        return refuse(
          req,
          res,
          400,
          new AppError(
            ErrorCode.BAD_REQUEST,
            'extensions.persistedQuery.sha256Hash does not match the query',
          ),
        );
      if (registered) replaceQuery(req, registered.query);
      else if (persisted !== undefined) replaceQuery(req, query);
      return next();
    }
    if (sentHash !== undefined) {
      const registered = hashes.get(sentHash);
      if (registered) {
        replaceQuery(req, registered.query);
        return next();
      }
      if (partner)
        return refuse(req, res, 403, notInSafelist('no operation is registered with this hash', sentHash));
      return refuse(
        req,
        res,
        400,
        new AppError(
          ErrorCode.BAD_REQUEST,
          'no operation is registered with this sha256Hash; send the query text (automatic persisted queries are switched off here)',
          { hash: sentHash },
        ),
      );
    }
    if (partner) return refuse(req, res, 403, notInSafelist('the request names no operation'));
    next();
  };

  return { operations, byHash: (hash) => hashes.get(hash.toLowerCase()), middleware };
}
