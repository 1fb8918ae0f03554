import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, Role, signDevToken } from '../../../common/auth';
import { ErrorCode } from '../../../common/errors';
import { createAuthenticator } from '../authenticator';
import type { AuthConfig } from '../authenticator';

const SECRET = 'hs256-secret-of-at-least-thirty-two-chars';
const base: AuthConfig = {
  jwtSecret: SECRET,
  jwksFile: undefined,
  jwksUrl: undefined,
  algorithms: ['HS256'],
  issuer: DEFAULT_ISSUER,
  audience: DEFAULT_AUDIENCE,
  clockSkewSeconds: 30,
};
const claims = { role: Role.DISTRICT_OFFICER, scope: 'personal:read', district: '370203' };

async function refusal(
  config: AuthConfig,
  header: string | undefined,
): Promise<{ code: unknown; message: string }> {
  try {
    await createAuthenticator(config).authenticate(header);
  } catch (err) {
    const e = err as { extensions: { code: unknown }; message: string };
    return { code: e.extensions.code, message: e.message };
  }
  throw new Error('the token was accepted');
}

const hs = (payload: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('officer-1')
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

describe('bearer-token authentication (HS256)', () => {
  it('accepts a valid token and reads the caller from its claims', async () => {
    const token = await signDevToken(SECRET, {
      role: Role.GRID_MEMBER,
      district: '370203',
      grids: ['8c3f0c3e-7a53-4a7b-9a51-0f1f5c3a1e11'],
    });
    const caller = await createAuthenticator(base).authenticate(`Bearer ${token}`);
    expect(caller).toMatchObject({ role: 'GRID_MEMBER', district: '370203', scopes: ['grid:write'] });
  });

  it.each([
    ['no header', async () => undefined, /missing bearer token/],
    ['another scheme', async () => 'Basic dXNlcjpwYXNz', /must be "Bearer <token>"/],
    ['garbage', async () => 'Bearer not-a-jwt', /malformed/],
    [
      'alg: none',
      async () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: 'x', iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE, exp: now + 600 })}.`;
      },
      /algorithm not allowed|unsupported algorithm/,
    ],
    [
      'a wrong key',
      async () => `Bearer ${await hs(claims, `${SECRET}-but-another`)}`,
      /signature does not verify/,
    ],
    [
      'an expired token',
      async () =>
        `Bearer ${await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('officer-1')
          .setIssuer(DEFAULT_ISSUER)
          .setAudience(DEFAULT_AUDIENCE)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
          .sign(new TextEncoder().encode(SECRET))}`,
      /token expired/,
    ],
    [
      'a wrong audience',
      async () =>
        `Bearer ${await signDevToken(SECRET, { role: Role.CITY_ADMIN, audience: 'another-system' })}`,
      /audience is not "qingdao-safety-graph"/,
    ],
    [
      'a wrong issuer',
      async () => `Bearer ${await signDevToken(SECRET, { role: Role.CITY_ADMIN, issuer: 'someone-else' })}`,
      /issuer is not "qingdao-safety-graph"/,
    ],
    [
      'a role without the area it needs',
      async () => `Bearer ${await hs({ role: Role.DISTRICT_OFFICER, scope: '' })}`,
      /district: role DISTRICT_OFFICER needs the district claim/,
    ],
    [
      'an unknown role',
      async () => `Bearer ${await hs({ role: 'SUPERUSER', scope: '' })}`,
      /token claims invalid: role/,
    ],
  ])('refuses %s with UNAUTHENTICATED', async (_name, header, message) => {
    const { code, message: text } = await refusal(base, await header());
    expect(code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(text).toMatch(message);
  });

  it('tolerates a small clock skew, not a large one', async () => {
    const expiredBy = (s: number) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('officer-1')
        .setIssuer(DEFAULT_ISSUER)
        .setAudience(DEFAULT_AUDIENCE)
        .setExpirationTime(Math.floor(Date.now() / 1000) - s)
        .sign(new TextEncoder().encode(SECRET));
    await expect(
      createAuthenticator(base).authenticate(`Bearer ${await expiredBy(10)}`),
    ).resolves.toBeDefined();
    expect((await refusal(base, `Bearer ${await expiredBy(45)}`)).message).toMatch(/expired/);
  });
});

describe('bearer-token authentication with a JWKS (RS256, ES256)', () => {
  const sign = async (alg: 'RS256' | 'ES256', key: CryptoKey, kid: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setSubject('officer-1')
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setExpirationTime('1h')
      .sign(key);
  const publicJwk = async (key: CryptoKey, kid: string, alg: string): Promise<JWK> => ({
    ...(await exportJWK(key)),
    kid,
    alg,
    use: 'sig',
  });

  it('verifies tokens with the keys of a JWKS file and refuses an HS256 token signed with a public key', async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const dir = mkdtempSync(join(tmpdir(), 'qsg-jwks-'));
    const file = join(dir, 'jwks.json');
    const keys = [
      await publicJwk(rsa.publicKey, 'rsa-1', 'RS256'),
      await publicJwk(ec.publicKey, 'ec-1', 'ES256'),
    ];
    writeFileSync(file, JSON.stringify({ keys }));
    const config: AuthConfig = {
      ...base,
      jwtSecret: undefined,
      jwksFile: file,
      algorithms: ['RS256', 'ES256'],
    };
    const auth = createAuthenticator(config);
    await expect(
      auth.authenticate(`Bearer ${await sign('RS256', rsa.privateKey, 'rsa-1')}`),
    ).resolves.toMatchObject({
      district: '370203',
    });
    await expect(
      auth.authenticate(`Bearer ${await sign('ES256', ec.privateKey, 'ec-1')}`),
    ).resolves.toBeDefined();
    // The classic confusion attack: HS256 "signed" with the RSA public key as the secret.
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setSubject('x')
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JSON.stringify(keys[0])));
    expect((await refusal(config, `Bearer ${confused}`)).message).toMatch(/algorithm not allowed/);
    const stranger = await generateKeyPair('RS256');
    expect(
      (await refusal(config, `Bearer ${await sign('RS256', stranger.privateKey, 'rsa-9')}`)).message,
    ).toMatch(/unknown key/);
  });

  it('fetches a JWKS URL once, caches it, and refetches when a new key id appears', async () => {
    const first = await generateKeyPair('ES256');
    const second = await generateKeyPair('ES256');
    let keys = [await publicJwk(first.publicKey, 'k1', 'ES256')];
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      const auth = createAuthenticator({
        ...base,
        jwtSecret: undefined,
        jwksUrl: url,
        algorithms: ['ES256'],
        jwksCooldownMs: 0,
      });
      await auth.authenticate(`Bearer ${await sign('ES256', first.privateKey, 'k1')}`);
      await auth.authenticate(`Bearer ${await sign('ES256', first.privateKey, 'k1')}`);
      expect(fetches).toBe(1);
      // The provider rotates: the new key is published, and the gateway picks it up by its kid.
      keys = [...keys, await publicJwk(second.publicKey, 'k2', 'ES256')];
      await expect(
        auth.authenticate(`Bearer ${await sign('ES256', second.privateKey, 'k2')}`),
      ).resolves.toBeDefined();
      expect(fetches).toBe(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('remembers a verified token only until it expires, and never a refused one', async () => {
    const auth = createAuthenticator({ ...base, clockSkewSeconds: 0 });
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('officer-1')
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
      .sign(new TextEncoder().encode(SECRET));
    const first = await auth.authenticate(`Bearer ${token}`);
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(first);
    // Once `exp` has passed, the remembered verification is gone with it.
    const deadline = Date.now() + 5_000;
    let refused: unknown;
    while (!refused && Date.now() < deadline) {
      refused = await auth.authenticate(`Bearer ${token}`).then(
        () => undefined,
        (err: { message: string }) => err.message,
      );
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBe('token expired');
    // A token with a forged signature is refused every time, even after the real one verified.
    const valid = await hs(claims);
    await auth.authenticate(`Bearer ${valid}`);
    const forged = `${valid.slice(0, valid.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    for (let i = 0; i < 2; i++)
      await expect(auth.authenticate(`Bearer ${forged}`)).rejects.toThrow('token signature does not verify');
  });
});
