/**
 * How one configured value is read, whether it arrives as an environment string or a typed
 * option: the zod fields of `config-schema.ts` and the `trustedIssuers` entries of
 * `trusted-issuers.ts` both use these, so a URL or a list means the same thing everywhere.
 *
 * @module
 */

import { canonicalJwtAlgorithm } from '../jwt/jwt-algorithms.js';

/** Reports one problem with the value being read. */
export type Problem = (message: string) => void;

/** Empty or whitespace-only values count as unset, as in most `.env` tooling. */
export function isUnset(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** The problem of a URL with `user:password@` in it. */
export const URL_CREDENTIALS_PROBLEM =
  'must not contain a user name or password (user:password@): no request to such a URL can be sent';

/**
 * An absolute http(s) URL, kept exactly as written: a trailing slash is significant to clients
 * (RFC 9728 §3.3 compares `resource` byte for byte). Whether plain http is allowed is decided
 * later, by `isSecureEnoughUrl`, once `allowInsecureHttp` is known.
 */
export function parseUrl(value: unknown, problem: Problem): string | undefined {
  const text = typeof value === 'string' ? value.trim() : value instanceof URL ? value.href : undefined;
  if (text === undefined || text === '') {
    problem('must be a URL string');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problem('is not a valid absolute URL; expected e.g. https://auth.example.com');
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problem('must be an https:// (or, for loopback development, http://) URL');
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    // The Fetch standard refuses a request URL with credentials (fetch() throws on every call),
    // and the password would sit in logs and error messages: refuse it where it is written.
    problem(URL_CREDENTIALS_PROBLEM);
    return undefined;
  }
  return text;
}

/** Items separated by `separator` (env) or an array of strings (code); trimmed, empty and repeated items dropped. */
export function parseList(value: unknown, separator: RegExp | string, problem: Problem): string[] | undefined {
  const items = typeof value === 'string' ? value.split(separator) : Array.isArray(value) ? value : undefined;
  if (items === undefined || items.some((item) => typeof item !== 'string')) {
    problem('must be a comma-separated string or an array of strings');
    return undefined;
  }
  return [...new Set((items as string[]).map((item) => item.trim()).filter((item) => item !== ''))];
}

/**
 * Algorithm names in their canonical spelling (`rs256` is `RS256`), repeats dropped. `none` is
 * never accepted: an unsigned token proves nothing (RFC 8725 §3.1).
 */
export function parseAlgorithmNames(names: readonly string[], problem: Problem, suggestion: string): string[] {
  const algorithms: string[] = [];
  for (const name of names) {
    if (name.toLowerCase() === 'none') {
      problem('"none" is never allowed: unsigned tokens prove nothing (RFC 8725 §3.1)');
      continue;
    }
    const alg = canonicalJwtAlgorithm(name);
    if (alg === undefined) {
      problem(`"${name.slice(0, 20)}" is not a supported algorithm; use ${suggestion}`);
      continue;
    }
    if (!algorithms.includes(alg)) algorithms.push(alg);
  }
  return algorithms;
}

/**
 * An origin as browsers send it in `Origin` (RFC 6454 §6.2: scheme, host and port only), or
 * `undefined` when `entry` is not one. http(s) origins are normalised the way a browser
 * serialises them (lower case, no default port, no trailing slash), so
 * `https://App.example.com:443` matches what Chromium sends.
 *
 * @example
 * ```ts
 * serializedOrigin('https://App.example.com:443/'); // 'https://app.example.com'
 * serializedOrigin('https://app.example.com/path'); // undefined
 * ```
 */
export function serializedOrigin(entry: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s@]+)\/?$/i.exec(entry);
  if (match === null) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return `${scheme}://${match[2]!.toLowerCase()}`;
  const url = URL.parse(entry);
  return url === null || url.origin === 'null' ? undefined : url.origin;
}
