import { Role, signCaller, signDevToken } from '../../common/auth';
import type { Caller, DevTokenOptions } from '../../common/auth';
import { CALLER_HEADER } from '../../common/auth';

/** Secrets of the test systems: fixed, so that a test can sign as the gateway or as a token issuer. */
export const TEST_CALLER_SECRET = 'test-caller-secret-0123456789abcdef0123456789';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789abcd';

/** The key IoT gateways of the test systems present on `POST /ingest/readings`. */
export const TEST_INGEST_KEY = 'test-ingest-key-0123456789abcdef';

/** Environment a subgraph under test needs (merged into its config's env). */
export const SUBGRAPH_TEST_ENV = { CALLER_SECRET: TEST_CALLER_SECRET, INGEST_KEYS: TEST_INGEST_KEY } as const;

/** Environment the gateway under test needs. */
export const GATEWAY_TEST_ENV = { CALLER_SECRET: TEST_CALLER_SECRET, JWT_SECRET: TEST_JWT_SECRET } as const;

/** A city administrator: sees and may do everything. */
export const CITY_ADMIN: Caller = {
  sub: 'test-admin',
  role: Role.CITY_ADMIN,
  scopes: ['personal:read', 'supervision:write', 'grid:write', 'emergency:write', 'audit:read'],
};

/** Headers for a direct subgraph call as `caller`, signed as the gateway signs them. */
export function callerHeaders(
  caller: Caller = CITY_ADMIN,
  secret = TEST_CALLER_SECRET,
): Record<string, string> {
  return { [CALLER_HEADER]: signCaller(caller, secret) };
}

/** A bearer token the test gateway accepts. */
export const testToken = (options: DevTokenOptions): Promise<string> =>
  signDevToken(TEST_JWT_SECRET, options);
