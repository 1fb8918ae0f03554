import { ErrorCode } from '../../../../common/errors';
import { creditCodeCheckChar, parseCreditCode } from '../creditCode';

const codeOf = (err: unknown) => (err as { extensions: { code: string } }).extensions.code;

describe('unified social credit code (GB 32100-2015)', () => {
  // Codes published by real registrants, so their check characters come from the issuing authority.
  it.each(['914403001922038216', '91110000802100433B', '91370200163562681G'])('accepts %s', (code) => {
    expect(parseCreditCode(code)).toBe(code);
  });

  it('computes the check character from the weighted sum mod 31', () => {
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    // Σ = 1·1 = 1; (31 − 1) mod 31 = 30 → the 31st character, Y.
    expect(creditCodeCheckChar('10000000000000000')).toBe('Y');
    // Σ = 1·3 = 3; (31 − 3) = 28 → W (I, O, S, V and Z are skipped).
    expect(creditCodeCheckChar('01000000000000000')).toBe('W');
  });

  it('normalises case and white space', () => {
    expect(parseCreditCode(' 91370200163562681g ')).toBe('91370200163562681G');
  });

  it.each(['', '91370200163562681', '91370200163562681GX', '9137020016356268IG', '91370200163562681O'])(
    'rejects the malformed %j',
    (code) => {
      expect(() => parseCreditCode(code)).toThrow(expect.objectContaining({ extensions: expect.anything() }));
      try {
        parseCreditCode(code);
      } catch (err) {
        expect(codeOf(err)).toBe(ErrorCode.CREDIT_CODE_MALFORMED);
      }
    },
  );

  it('rejects a wrong check character, naming the right one', () => {
    let caught: unknown;
    try {
      parseCreditCode('91370200163562681H');
    } catch (err) {
      caught = err;
    }
    expect(codeOf(caught)).toBe(ErrorCode.CREDIT_CODE_CHECKSUM);
    expect((caught as Error).message).toContain('should be G');
  });
});
