import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { callerSchema, callerClaims } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';

export interface AuthConfig {
  /** HS256 shared secret (development, or a single trusted issuer). */
  jwtSecret: string | undefined;
  /** A JWKS document on disk (RS256 / ES256 public keys). */
  jwksFile: string | undefined;
  /** A JWKS endpoint; keys are cached and refetched when an unknown `kid` appears. */
  jwksUrl: string | undefined;
  /** Algorithms a token may be signed with; anything else (and `none`) is refused. */
  algorithms: readonly string[];
  issuer: string;
  audience: string;
  /** Tolerated clock difference for `exp`, `nbf` and `iat`, in seconds. */
  clockSkewSeconds: number;
  /**
   * After a JWKS fetch, how long an unknown `kid` is refused before the keys are fetched again
   * (so forged kids cannot make the gateway hammer the provider). @default 30000
   */
  jwksCooldownMs?: number;
  /**
   * Tokens whose verification is remembered, so a client's next requests skip the signature
   * check (an HMAC or RSA verification per request was an eighth of the gateway's CPU). An entry
   * never outlives its token's `exp`, nor `verifiedTokenTtlMs`. 0 switches the memory off.
   * @default 10000
   */
  verifiedTokens?: number;
  /**
   * Longest a verification is remembered, in ms: with a JWKS, how long a token signed by a key
   * the provider has since withdrawn may still be accepted. @default 60000
   */
  verifiedTokenTtlMs?: number;
}

export interface Authenticator {
  /** The caller of an `Authorization` header value, or `UNAUTHENTICATED` saying precisely why not. */
  authenticate(authorization: string | undefined): Promise<Caller>;
}

export const unauthenticated = (message: string): AppError =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);

/** Turns jose's failures into messages a client developer can act on, without leaking key material. */
function explain(err: unknown, config: AuthConfig): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof joseErrors.JWTExpired) return unauthenticated('token expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'aud':
        return unauthenticated(`token audience is not ${JSON.stringify(config.audience)}`);
      case 'iss':
        return unauthenticated(`token issuer is not ${JSON.stringify(config.issuer)}`);
      case 'nbf':
        return unauthenticated('token is not valid yet');
      case 'iat':
        return unauthenticated('token issued in the future');
      default:
        return unauthenticated(`token claim ${err.claim} is invalid: ${err.reason}`);
    }
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return unauthenticated(`token algorithm not allowed; accepted: ${config.algorithms.join(', ')}`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return unauthenticated('token signature does not verify');
  if (err instanceof joseErrors.JWKSNoMatchingKey) return unauthenticated('token signed by an unknown key');
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid)
    return unauthenticated('token is malformed');
  if (err instanceof joseErrors.JOSENotSupported)
    return unauthenticated('token uses an unsupported algorithm');
  if (err instanceof joseErrors.JWKSTimeout) return unauthenticated('signing keys unavailable; try again');
  return unauthenticated('token cannot be verified');
}

/**
 * Bearer-token authentication with jose: one key source (HS256 secret, JWKS file or JWKS URL),
 * an algorithm allow-list, issuer, audience and a small clock skew; then the claims are checked
 * against the caller schema, so a token with a role but without the area it needs is refused.
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  let key: Uint8Array | JWTVerifyGetKey;
  if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl), {
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: config.jwksCooldownMs ?? 30_000,
      timeoutDuration: 5_000,
    });
  } else if (config.jwksFile) {
    key = createLocalJWKSet(JSON.parse(readFileSync(config.jwksFile, 'utf8')));
  } else if (config.jwtSecret) {
    key = new TextEncoder().encode(config.jwtSecret);
  } else {
    throw new Error('authentication needs JWT_SECRET, JWT_JWKS_FILE or JWT_JWKS_URL');
  }
  const options = {
    algorithms: [...config.algorithms],
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockSkewSeconds,
    requiredClaims: ['exp', 'sub'],
  };
  // Keyed by the whole token, signature included: only a token that verified can be found here.
  const verified =
    (config.verifiedTokens ?? 10_000) > 0
      ? new LRUCache<string, Caller>({ max: config.verifiedTokens ?? 10_000 })
      : undefined;
  const maxTtlMs = config.verifiedTokenTtlMs ?? 60_000;
  return {
    async authenticate(authorization) {
      if (!authorization) throw unauthenticated('missing bearer token (Authorization: Bearer <token>)');
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
      const token = match[1]!;
      const known = verified?.get(token);
      if (known) return known;
      try {
        const { payload } =
          typeof key === 'function'
            ? await jwtVerify(token, key, options)
            : await jwtVerify(token, key, options);
        const parsed = callerSchema.safeParse(callerClaims(payload as Record<string, unknown>));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw unauthenticated(
            `token claims invalid: ${issue?.path.join('.') || 'claims'}: ${issue?.message}`,
          );
        }
        // Remembered until `exp` at the latest (the skew tolerance is not extended to cached entries).
        const ttl = Math.min(maxTtlMs, (payload.exp as number) * 1000 - Date.now());
        if (verified && ttl > 0) verified.set(token, parsed.data, { ttl });
        return parsed.data;
      } catch (err) {
        throw explain(err, config);
      }
    },
  };
}
