import { AppError, ErrorCode } from '../../../common/errors';

/** GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z; a character's value is its index. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = new RegExp(`^[${CREDIT_CODE_ALPHABET}]{18}$`);

/** The check character for the first 17 characters: C18 = (31 − Σ Ci·Wi mod 31) mod 31. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * Normalises (trims, upper-cases) and checks a unified social credit code; throws
 * CREDIT_CODE_MALFORMED for a wrong length or alphabet and CREDIT_CODE_CHECKSUM for a wrong
 * check character.
 */
export function parseCreditCode(input: string, field = 'creditCode'): string {
  const code = input.trim().toUpperCase();
  if (!SHAPE.test(code)) {
    throw new AppError(
      ErrorCode.CREDIT_CODE_MALFORMED,
      `${field}: a unified social credit code is 18 characters from ${CREDIT_CODE_ALPHABET}; got ${JSON.stringify(input)}`,
      { field },
    );
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    throw new AppError(
      ErrorCode.CREDIT_CODE_CHECKSUM,
      `${field}: check character of ${code} should be ${expected}, not ${code[17]}`,
      { field, expected },
    );
  }
  return code;
}
