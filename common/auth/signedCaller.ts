import { createHmac, timingSafeEqual } from 'node:crypto';
import { callerSchema } from './caller';
import type { Caller } from './caller';

/** The header the gateway forwards the caller in: `v1.<base64url claims>.<unix ms>.<base64url HMAC>`. */
export const CALLER_HEADER = 'x-qsg-caller';

/** How old a signature may be before a subgraph refuses it, and how far in the future. */
export const DEFAULT_MAX_AGE_MS = 60_000;
const FUTURE_SKEW_MS = 5_000;

const mac = (secret: string, payload: string): Buffer =>
  createHmac('sha256', secret).update(payload).digest();

/** Signs the caller with the secret the gateway shares with its subgraphs. */
export function signCaller(caller: Caller, secret: string, now = Date.now()): string {
  const claims = Buffer.from(JSON.stringify(caller)).toString('base64url');
  const payload = `v1.${claims}.${now}`;
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export class CallerSignatureError extends Error {
  override name = 'CallerSignatureError';
}

/**
 * Checks a forwarded caller: the MAC over claims and timestamp, the signature's age, then the
 * claims' shape. Throws `CallerSignatureError` with the reason; never returns unverified claims.
 */
export function verifyCaller(
  header: string | undefined,
  secret: string,
  { now = Date.now(), maxAgeMs = DEFAULT_MAX_AGE_MS }: { now?: number; maxAgeMs?: number } = {},
): Caller {
  if (!header) throw new CallerSignatureError(`missing ${CALLER_HEADER} header`);
  const parts = header.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') throw new CallerSignatureError('malformed caller signature');
  const [, claims, at, signature] = parts as [string, string, string, string];
  const expected = mac(secret, `v1.${claims}.${at}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new CallerSignatureError('caller signature does not match');
  const signedAt = Number(at);
  if (!Number.isSafeInteger(signedAt)) throw new CallerSignatureError('malformed caller signature');
  if (now - signedAt > maxAgeMs) throw new CallerSignatureError('caller signature expired');
  if (signedAt - now > FUTURE_SKEW_MS) throw new CallerSignatureError('caller signature is from the future');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
  } catch {
    throw new CallerSignatureError('malformed caller claims');
  }
  const result = callerSchema.safeParse(parsed);
  if (!result.success)
    throw new CallerSignatureError(`invalid caller claims: ${result.error.issues[0]?.message}`);
  return result.data;
}
