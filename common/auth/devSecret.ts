import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Where the development signing secret lives; `.data/` is the embedded default's own folder. */
export const DEV_SECRET_PATH = resolve('.data', 'dev-jwt-secret');

/**
 * The secret `npm start` verifies development tokens with and `npm run token` signs them with:
 * random on first use, kept in a file only this user can read, so no shared secret is ever
 * published with the code. Production configures `JWT_SECRET` or a JWKS instead.
 */
export function developmentSecret(path = DEV_SECRET_PATH): string {
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
