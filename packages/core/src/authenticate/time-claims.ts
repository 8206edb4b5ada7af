/**
 * The shape check of the time claims `exp`, `nbf` and `iat` (RFC 7519 §4.1.4–§4.1.6, RFC 7662
 * §2.2): each, when present, a NumericDate, a finite number of seconds since the epoch. JSON
 * lets a token write `1e400`, which parses as `Infinity` and would make a token that never
 * expires; a date past year 9999 is no date any clock will reach either.
 *
 * @module
 */
import type { AuthError } from '../errors/auth-error.js';
import { invalidToken } from '../errors/auth-failures.js';

/** 9999-12-31T23:59:59Z, the last second RFC 3339 can write: no real token needs a later date. */
export const LATEST_NUMERIC_DATE = 253_402_300_799;

const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/**
 * The 401 `invalid_token` for a claims set whose `exp`, `nbf` or `iat` is present but not a
 * finite number between 0 and {@link LATEST_NUMERIC_DATE}; `undefined` when they are fine.
 *
 * @example
 * ```ts
 * const problem = timeClaimsProblem(JSON.parse('{"exp":1e400}')); // AuthError ERR_TOKEN_TIME_INVALID
 * if (problem) throw problem;
 * ```
 */
export function timeClaimsProblem(claims: Readonly<Record<string, unknown>>): AuthError | undefined {
  for (const name of TIME_CLAIMS) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > LATEST_NUMERIC_DATE) {
      return invalidToken(
        'ERR_TOKEN_TIME_INVALID',
        'Invalid token time claim',
        new Error(`${name} is not a NumericDate`),
      );
    }
  }
  return undefined;
}
