/**
 * Reads `Authorization: DPoP <token>` (RFC 9449 §7.1). The scheme is case-insensitive (RFC 9110
 * §11.1) and the token is a token68, as with Bearer (RFC 6750 §2.1).
 *
 * @module
 */

import { isToken68 } from '../authenticate/bearer-credentials.js';

/** What an `Authorization` header with the DPoP scheme carried. */
export type DpopAuthorization = { kind: 'dpop'; token: string } | { kind: 'malformed' };

const DPOP_SCHEME = /^\s*dpop(?: +(.*?))?\s*$/i;

/**
 * The token of a DPoP `Authorization` header; `undefined` when the header uses another scheme.
 *
 * @example
 * ```ts
 * parseDpopAuthorization('DPoP eyJhbGciOi…'); // { kind: 'dpop', token: 'eyJhbGciOi…' }
 * parseDpopAuthorization('Bearer eyJhbGciOi…'); // undefined
 * ```
 */
export function parseDpopAuthorization(header: string | null | undefined): DpopAuthorization | undefined {
  if (typeof header !== 'string') return undefined;
  const match = DPOP_SCHEME.exec(header);
  if (match === null) return undefined;
  const token = match[1];
  return token !== undefined && isToken68(token) ? { kind: 'dpop', token } : { kind: 'malformed' };
}
