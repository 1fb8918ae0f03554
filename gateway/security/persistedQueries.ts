import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { getOperationAST, parse, validate } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { Role } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { createOptionalRedis } from '../../common/redis';
import { isRecord, operationOf, refuse, replaceQuery } from './limits';
import type { SchemaSource } from './limits';
import type { Safelist } from './safelist';

export interface PersistedQueriesConfig {
  /** Serve automatically persisted queries (APQ). */
  enabled: boolean;
  /** How long a registered text is kept, in seconds (APQ_TTL_S). */
  ttlSeconds: number;
  /** Bytes of text kept in process when there is no Redis (APQ_MEMORY_LIMIT). */
  memoryBytes: number;
}

export interface PersistedQueriesOptions extends Omit<PersistedQueriesConfig, 'enabled'> {
  /** Redis shared by the gateway's replicas; unset = each process keeps its own texts. */
  redisUrl: string | undefined;
  /** The authenticated caller of a request (set by the authentication middleware). */
  callerOf: (req: Request) => Caller | undefined;
  /** Hashes the safelist answers itself, for every caller. */
  safelist: Pick<Safelist, 'byHash'>;
  /** Where the served schema comes from: only texts valid for it are stored. */
  gateway: SchemaSource;
  logger: Logger;
  /** Prefix of the texts' Redis keys. @default 'qsg:apq:' */
  keyPrefix?: string;
}

export interface PersistedQueries {
  /** Where the texts live. */
  readonly store: 'redis' | 'memory';
  /**
   * Express middleware, after the body is parsed and before the partner safelist. A hash alone is
   * replaced by its stored text (or answered PERSISTED_QUERY_NOT_FOUND, as Apollo Server does, so
   * the client sends the text); a hash with its text is checked and remembered for `register`.
   * Partners and the safelist's own hashes pass untouched: the safelist answers them.
   */
  readonly resolve: RequestHandler;
  /**
   * Express middleware, after the operation limits: stores the text `resolve` remembered, so a
   * document refused by the limits (or invalid for the schema) is never registered.
   */
  readonly register: RequestHandler;
  close(): Promise<void>;
}

interface TextStore {
  get(hash: string): Promise<string | undefined>;
  set(hash: string, text: string): Promise<void>;
  close(): Promise<void>;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const SHA256_HEX = /^[0-9a-f]{64}$/i;

function memoryStore(maxBytes: number, ttlSeconds: number): TextStore {
  const cache = new LRUCache<string, string>({
    maxSize: maxBytes,
    // UTF-16 code units, plus the 64-character key and the entry's bookkeeping.
    sizeCalculation: (text) => text.length * 2 + 256,
    ttl: ttlSeconds * 1000,
  });
  return {
    get: async (hash) => cache.get(hash),
    set: async (hash, text) => {
      cache.set(hash, text);
    },
    close: async () => cache.clear(),
  };
}

/**
 * Texts in Redis, shared by every replica. An outage degrades to misses: the client sends the
 * text again and is served; nothing waits on Redis longer than the command timeout.
 */
function redisStore(url: string, ttlSeconds: number, keyPrefix: string, logger: Logger): TextStore {
  const { client, failed, answered } = createOptionalRedis(url, {
    logger,
    downMessage: 'persisted queries: Redis unreachable; hashes miss and nothing is stored until it answers',
    upMessage: 'persisted queries: Redis answers again',
  });
  return {
    async get(hash) {
      try {
        const text = await client.get(keyPrefix + hash);
        answered();
        return text ?? undefined;
      } catch (err) {
        failed(err);
        return undefined;
      }
    },
    async set(hash, text) {
      try {
        await client.set(keyPrefix + hash, text, 'EX', ttlSeconds);
        answered();
      } catch (err) {
        failed(err);
      }
    },
    async close() {
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}

const badRequest = (message: string) => new AppError(ErrorCode.BAD_REQUEST, message);

/**
 * Automatic persisted queries (Apollo's APQ protocol, version 1), resolved before the gateway's
 * limits. Apollo Server's own store hands the stored text straight to execution; here the text is
 * put into the request, so the operation limits, field rules and Apollo's validation see it as if
 * the client had sent it, for every caller and on every request. A hash only saves bytes.
 */
export function createPersistedQueries(options: PersistedQueriesOptions): PersistedQueries {
  const { logger } = options;
  const store = options.redisUrl
    ? redisStore(options.redisUrl, options.ttlSeconds, options.keyPrefix ?? 'qsg:apq:', logger)
    : memoryStore(options.memoryBytes, options.ttlSeconds);
  let schema: GraphQLSchema | undefined;
  options.gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    schema = apiSchema;
  });
  const pending = new WeakMap<Request, { hash: string; text: string }>();

  const resolve: RequestHandler = async (req, res, next) => {
    if (options.callerOf(req)?.role === Role.PARTNER_BUREAU) return next();
    const carried = operationOf(req);
    if (carried.kind !== 'single') return next();
    const { query, extensions } = carried.params;
    const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
    if (!persisted) return next();
    const sent =
      isRecord(persisted) && typeof persisted.sha256Hash === 'string' && SHA256_HEX.test(persisted.sha256Hash)
        ? persisted.sha256Hash.toLowerCase()
        : undefined;
    if (sent && options.safelist.byHash(sent)) return next();
    // Messages and statuses as Apollo Server's; its codes for the two 400s would be
    // INTERNAL_SERVER_ERROR, which the gateway masks, so they carry BAD_REQUEST.
    if (!isRecord(persisted) || persisted.version !== 1)
      return refuse(req, res, 400, badRequest('Unsupported persisted query version'));

    if (typeof query === 'string') {
      if (sent !== sha256(query))
        return refuse(req, res, 400, badRequest('provided sha does not match query'));
      pending.set(req, { hash: sent, text: query });
      replaceQuery(req, query);
      return next();
    }
    // Anything else as `query` is Apollo's to refuse, as a malformed request.
    if (query !== undefined && query !== null) return next();
    let text = sent ? await store.get(sent) : undefined;
    if (text !== undefined && sha256(text) !== sent) {
      logger.error({ hash: sent }, 'persisted queries: a stored text does not match its hash; ignored');
      text = undefined;
    }
    if (text === undefined)
      // 200 and uncached, as Apollo answers it: clients read the body and retry with the text.
      return refuse(
        req,
        res,
        200,
        new AppError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound'),
        { 'cache-control': 'private, no-cache, must-revalidate' },
      );
    replaceQuery(req, text);
    next();
  };

  /** Whether Apollo would run `text`: it parses, fits the served schema, and is a query over GET. */
  const runnable = (req: Request, text: string): boolean => {
    if (!schema) return false;
    let document;
    try {
      document = parse(text, { noLocation: true });
    } catch {
      return false;
    }
    if (validate(schema, document).length) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return true;
    const carried = operationOf(req);
    const name = carried.kind === 'single' ? carried.params.operationName : undefined;
    return getOperationAST(document, typeof name === 'string' ? name : undefined)?.operation === 'query';
  };

  const register: RequestHandler = async (req, _res, next) => {
    const sent = pending.get(req);
    if (!sent) return next();
    pending.delete(req);
    // Awaited so that the client's next hash-only request finds the text.
    if (runnable(req, sent.text)) await store.set(sent.hash, sent.text);
    next();
  };

  return {
    store: options.redisUrl ? 'redis' : 'memory',
    resolve,
    register,
    close: () => store.close(),
  };
}
