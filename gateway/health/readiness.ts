import type { Dispatcher } from 'undici';
import { fetch } from 'undici';
import { runCheck, runChecks } from '../../common/http/readiness';
import type { CheckResult, ReadinessCheck } from '../../common/http/readiness';
import type { SubgraphEndpoint } from './subgraphs';

export interface GatewayReadinessOptions {
  /** Whether a supergraph is loaded and served. */
  schemaLoaded: () => boolean;
  /** The subgraphs of the supergraph being served, with their effective URLs. */
  subgraphs: () => readonly SubgraphEndpoint[];
  /** The Redis check ({@link createRedisProbe}). */
  redis: ReadinessCheck;
  /** Connection pool used to reach the subgraphs. */
  dispatcher: Dispatcher;
  /** Deadline of each check. */
  timeoutMs: number;
  /** Headers of each probe (subgraphs answer only callers the gateway signs). @default none */
  headers?: () => Record<string, string>;
}

export interface GatewayReadiness {
  ok: boolean;
  status: 'ready' | 'unavailable';
  checks: { schema: { ok: boolean }; subgraphs: Record<string, CheckResult>; redis: CheckResult };
}

/** A subgraph is reachable when it answers `{ __typename }` (what any GraphQL server answers) with data. */
const pingSubgraph =
  (url: string, dispatcher: Dispatcher, headers: Record<string, string>): ReadinessCheck =>
  async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"query":"{ __typename }"}',
      dispatcher,
    });
    const body = (await res.json().catch(() => undefined)) as { data?: unknown } | undefined;
    if (!res.ok || !body?.data) throw new Error(`answered HTTP ${res.status}`);
  };

/** Evaluates every dependency of the gateway at once: the schema, each subgraph, Redis. */
export async function checkGatewayReadiness(options: GatewayReadinessOptions): Promise<GatewayReadiness> {
  const schema = { ok: options.schemaLoaded() };
  const [subgraphs, redis] = await Promise.all([
    runChecks(
      new Map(
        options
          .subgraphs()
          .map((s) => [s.name, pingSubgraph(s.url, options.dispatcher, options.headers?.() ?? {})] as const),
      ),
      options.timeoutMs,
    ),
    runCheck(options.redis, options.timeoutMs),
  ]);
  const ok = schema.ok && subgraphs.ok && redis.ok;
  return { ok, status: ok ? 'ready' : 'unavailable', checks: { schema, subgraphs: subgraphs.checks, redis } };
}
