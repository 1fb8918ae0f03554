// What the orchestrator and its child processes (one per target, one load generator) say to each
// other over the IPC channel.
import type { Caller } from '../../common/auth';

export type TargetName = 'direct' | 'apollo' | 'hive' | 'ours' | 'ours-cached';
export const TARGETS: readonly TargetName[] = ['direct', 'apollo', 'hive', 'ours', 'ours-cached'];

export interface SignedCaller {
  secret: string;
  caller: Caller;
}

export interface DirectSpec {
  databaseUrl: string;
  callerSecret: string;
}
export interface PlainGatewaySpec {
  /** The prepared supergraph with this run's subgraph URLs written in. */
  supergraphPath: string;
  signer: SignedCaller;
}
export interface OursSpec {
  /** The gateway's whole configuration, as its entry point would read it. */
  env: Record<string, string>;
}

/** How a target child starts: its entry point in targets/ and its settings. */
export type TargetSpec =
  | { kind: 'direct'; spec: DirectSpec }
  | { kind: 'apollo' | 'hive'; spec: PlainGatewaySpec }
  | { kind: 'ours'; spec: OursSpec };

/** `label` names the window's CPU profile, when profiling. */
export type ToTarget = { type: 'begin' } | { type: 'end'; label: string };

export type FromTarget =
  { type: 'ready'; url: string } | { type: 'begun' } | { type: 'usage'; cpuMs: number; peakRssMb: number };

export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  /** Signs `x-qsg-caller` afresh for requests straight to a subgraph (signatures expire). */
  signer?: SignedCaller;
  operationName: string;
  query: string;
  variables: Record<string, unknown>[];
  connections: number;
  seconds: number;
  /** Requests per second over all connections; as fast as answers come when unset. */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  /** 2xx responses whose body carried GraphQL `errors`. */
  graphqlErrors: number;
  firstError?: string;
}

export type ToLoad = { type: 'run'; id: number; job: LoadJob };
export type FromLoad =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'failed'; id: number; error: string };
