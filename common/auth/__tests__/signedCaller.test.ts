import { Role } from '../caller';
import type { Caller } from '../caller';
import { CallerSignatureError, signCaller, verifyCaller } from '../signedCaller';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const officer: Caller = {
  sub: 'officer-1',
  role: Role.DISTRICT_OFFICER,
  scopes: ['personal:read'],
  district: '370203',
};

describe('the signed caller header', () => {
  it('round-trips the caller', () => {
    expect(verifyCaller(signCaller(officer, SECRET), SECRET)).toEqual(officer);
  });

  it.each([
    ['no header', () => undefined, /missing/],
    ['another secret', () => signCaller(officer, `${SECRET}-other`), /does not match/],
    ['a stale signature', () => signCaller(officer, SECRET, Date.now() - 61_000), /expired/],
    ['a signature from the future', () => signCaller(officer, SECRET, Date.now() + 60_000), /future/],
    ['garbage', () => 'v1.abc', /malformed/],
    [
      'claims changed after signing',
      () => {
        const [v, , at, mac] = signCaller(officer, SECRET).split('.');
        const forged = Buffer.from(JSON.stringify({ ...officer, role: Role.CITY_ADMIN })).toString(
          'base64url',
        );
        return [v, forged, at, mac].join('.');
      },
      /does not match/,
    ],
    [
      'a signed caller whose claims do not fit its role',
      () => signCaller({ sub: 'x', role: Role.DISTRICT_OFFICER, scopes: [] } as Caller, SECRET),
      /needs the district claim/,
    ],
  ])('refuses %s', (_name, header, message) => {
    expect(() => verifyCaller(header(), SECRET)).toThrow(CallerSignatureError);
    expect(() => verifyCaller(header(), SECRET)).toThrow(message);
  });
});
