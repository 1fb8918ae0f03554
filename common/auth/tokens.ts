import { SignJWT } from 'jose';
import { defaultScopes } from './caller';
import type { Caller, Role } from './caller';

/** Issuer and audience the gateway expects unless configured otherwise. */
export const DEFAULT_ISSUER = 'qingdao-safety-graph';
export const DEFAULT_AUDIENCE = 'qingdao-safety-graph';

export interface DevTokenOptions {
  role: Role;
  sub?: string;
  scopes?: readonly string[];
  district?: string;
  subdistrict?: string;
  grids?: readonly string[];
  enterprise?: string;
  agency?: string;
  /** Lifetime, as jose reads it ('8h', '15m'). @default '8h' */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/**
 * An HS256 token as the development secret signs it: the claims a production identity provider
 * would issue (`scope` is space-separated, RFC 8693). Used by `npm run token`, `npm start` and tests.
 */
export async function signDevToken(secret: string, options: DevTokenOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    role: options.role,
    scope: (options.scopes ?? defaultScopes[options.role]).join(' '),
  };
  for (const key of ['district', 'subdistrict', 'grids', 'enterprise', 'agency'] as const) {
    if (options[key] !== undefined) claims[key] = options[key];
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub ?? `dev-${options.role.toLowerCase()}`)
    .setIssuer(options.issuer ?? DEFAULT_ISSUER)
    .setAudience(options.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(secret));
}

/** The caller a token's verified payload describes (claims not about access are dropped). */
export function callerClaims(payload: Record<string, unknown>): Partial<Caller> & Record<string, unknown> {
  const scopes =
    typeof payload.scope === 'string'
      ? payload.scope.split(' ').filter(Boolean)
      : Array.isArray(payload.scopes)
        ? payload.scopes
        : [];
  const out: Record<string, unknown> = { sub: payload.sub, role: payload.role, scopes };
  for (const key of ['district', 'subdistrict', 'grids', 'enterprise', 'agency'] as const) {
    if (payload[key] !== undefined) out[key] = payload[key];
  }
  return out;
}
