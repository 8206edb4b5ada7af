/**
 * Reads the `Authorization` header (RFC 6750 §2.1). The scheme is case-insensitive (RFC 9110
 * §11.1) and one or more spaces may follow it; the credential must be a token68.
 *
 * @module
 */

/** What the `Authorization` header carried. */
export type BearerCredentials =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'malformed'; reason: 'scheme' | 'token' };

const BEARER = /^bearer(?: +(.*))?$/i;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const NONE: BearerCredentials = { kind: 'none' };

/** Whether `token` is RFC 6750 §2.1 `b64token` (token68) syntax. */
export function isToken68(token: string): boolean {
  return TOKEN68.test(token);
}

/**
 * Parses an `Authorization` header value. Absent or blank means no credentials; any other scheme,
 * an empty token, or a token with characters outside token68 (including the `, ` of a repeated
 * header joined by the framework) is malformed.
 */
export function parseAuthorization(header: string | null | undefined): BearerCredentials {
  if (header === undefined || header === null) return NONE;
  const value = header.trim();
  if (value === '') return NONE;
  const match = BEARER.exec(value);
  if (match === null) return { kind: 'malformed', reason: 'scheme' };
  const token = match[1];
  if (token === undefined || !TOKEN68.test(token)) return { kind: 'malformed', reason: 'token' };
  return { kind: 'bearer', token };
}
