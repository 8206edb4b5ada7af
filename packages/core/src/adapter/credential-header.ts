/**
 * Reading a credential header from Node's `rawHeaders`, the one place every adapter on Node gets
 * its headers from.
 *
 * @module
 */

/**
 * Every copy of a request header in Node's `rawHeaders` (name, value, name, value, …), joined with
 * `, `; `null` when absent. Node keeps only the first `Authorization` header in `req.headers` and
 * silently drops the rest: joining every copy lets the core see, and reject as malformed, a request
 * that carries two credentials instead of authenticating whichever came first (RFC 6750 §2.1).
 * A loop over `rawHeaders` rather than `headersDistinct`, which builds arrays for every header of
 * every request (docs/performance.md: it was a measurable share of an adapter's cost).
 *
 * @param lowerName - the header name in lower case, e.g. `authorization`.
 * @example
 * ```ts
 * const authorization = credentialHeader(req.rawHeaders, 'authorization');
 * ```
 */
export function credentialHeader(rawHeaders: readonly string[], lowerName: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) {
      value = value === null ? rawHeaders[i + 1]! : `${value}, ${rawHeaders[i + 1]!}`;
    }
  }
  return value;
}
