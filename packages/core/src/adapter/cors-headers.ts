/**
 * The CORS answers of every MCP endpoint behind mcp-warden, so that browser-based MCP clients on
 * another origin can send credentials and the headers of every MCP revision, and read the
 * challenge that tells them how to get a token. Core owns them so the three adapters cannot drift
 * apart. Why the preflight reflects the requested headers: docs/security.md, "CORS".
 *
 * @module
 */

import { serializedOrigin } from '../config/parse-values.js';

/**
 * Request headers MCP clients send (MCP Streamable HTTP transport, 2025-03-26 to 2026-07-28):
 * credentials (RFC 6750 §2.1, RFC 9449 §4.1, API keys), the JSON body, the protocol version,
 * sessions and SSE resumption of the 2025 revisions, and the standard headers of 2026-07-28
 * (`Mcp-Method` on every request, `Mcp-Name` on named operations). The `Mcp-Param-*` headers a
 * tool declares cannot be listed: the preflight admits them by reflecting the request.
 */
const STANDARD_REQUEST_HEADERS = [
  'Authorization',
  'X-API-Key',
  'DPoP',
  'Content-Type',
  'Accept',
  'Mcp-Protocol-Version',
  'Mcp-Session-Id',
  'Last-Event-ID',
  'Mcp-Method',
  'Mcp-Name',
];
const STANDARD_REQUEST_LIST = STANDARD_REQUEST_HEADERS.join(', ');
const STANDARD_REQUEST_NAMES = new Set(STANDARD_REQUEST_HEADERS.map((name) => name.toLowerCase()));

/** The Streamable HTTP transport uses POST for messages, GET for the SSE stream, DELETE to end a session. */
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/**
 * Response headers a browser must let the client read: the challenge (RFC 6750 §3), the back-off
 * of a 503 (RFC 9110 §10.2.3), the DPoP nonce (RFC 9449 §8), and the MCP session and protocol
 * headers. None of them is CORS-safelisted.
 */
const EXPOSED_HEADERS = ['WWW-Authenticate', 'Retry-After', 'DPoP-Nonce', 'Mcp-Session-Id', 'Mcp-Protocol-Version'];
const EXPOSED_LIST = EXPOSED_HEADERS.join(', ');

/** How long a browser may reuse a preflight answer (Fetch standard caps it: Chromium at 2 h). */
const PREFLIGHT_MAX_AGE = '600';

// RFC 9110 §5.6.2: field names are tokens. Bounds keep a hostile preflight from making us echo
// a large header back.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_REQUESTED_HEADERS = 64;
const MAX_REQUESTED_LENGTH = 4096;

/**
 * The origins whose pages may call the endpoint: `['*']` (any origin, the default), a list of
 * exact origins (`https://app.example.com`), or a function deciding per `Origin` header value.
 */
export type CorsOrigins = readonly string[] | ((origin: string) => boolean);

/** The CORS decisions an adapter applies, built once by {@link createCorsPolicy}. */
export interface CorsPolicy {
  /**
   * Headers of the `204` answer to a preflight from `origin` that asks for `requestedHeaders`
   * (the `Access-Control-Request-Headers` value). A disallowed origin gets no
   * `Access-Control-Allow-*` header at all, which the browser reads as a refusal.
   */
  preflightHeaders(origin: string | undefined, requestedHeaders: string | undefined): Record<string, string>;
  /**
   * The `Access-Control-Allow-Origin` value for a response to a request from `origin`, or
   * `undefined` when that origin may not read it (or, with a list, when the request has no `Origin`).
   */
  allowOrigin(origin: string | undefined): string | undefined;
  /** Whether the answer depends on `Origin`: responses must then carry `Vary: Origin`. */
  readonly variesByOrigin: boolean;
}

/**
 * The `Access-Control-Allow-Headers` value for a preflight: every standard MCP header, plus the
 * requested names when `requested` is a well-formed list of field names (RFC 9110 §5.6.1 list of
 * tokens, at most 64 names and 4096 characters); otherwise the standard list alone, which makes
 * the browser refuse what it does not cover. `*` is never echoed: it would be the wildcard.
 *
 * @example
 * ```ts
 * allowedRequestHeaders('authorization,mcp-method,mcp-param-region');
 * // 'Authorization, X-API-Key, …, Mcp-Name, mcp-param-region'
 * ```
 */
export function allowedRequestHeaders(requested: string | undefined): string {
  if (requested === undefined || requested.length > MAX_REQUESTED_LENGTH) return STANDARD_REQUEST_LIST;
  const extra: string[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (const item of requested.split(',')) {
    const name = item.trim();
    if (name === '') continue;
    if (++count > MAX_REQUESTED_HEADERS || !TOKEN.test(name) || name === '*') return STANDARD_REQUEST_LIST;
    const lower = name.toLowerCase();
    if (STANDARD_REQUEST_NAMES.has(lower) || seen.has(lower)) continue;
    seen.add(lower);
    extra.push(name);
  }
  return extra.length === 0 ? STANDARD_REQUEST_LIST : `${STANDARD_REQUEST_LIST}, ${extra.join(', ')}`;
}

/**
 * Builds the CORS policy for a set of allowed origins. `['*']` answers every origin with
 * `Access-Control-Allow-Origin: *` (no `Vary: Origin`); a list or a function echoes an allowed
 * origin and says `Vary: Origin`. mcp-warden never sends `Access-Control-Allow-Credentials`:
 * MCP clients authenticate with headers, never cookies.
 *
 * @throws {TypeError} when `origins` is neither a list of origins (or `['*']`) nor a function.
 * @example
 * ```ts
 * const policy = createCorsPolicy(['https://inspector.example.com']);
 * policy.allowOrigin('https://inspector.example.com'); // 'https://inspector.example.com'
 * policy.allowOrigin('https://evil.example'); // undefined
 * ```
 */
export function createCorsPolicy(origins: CorsOrigins = ['*']): CorsPolicy {
  let allowOrigin: (origin: string | undefined) => string | undefined;
  if (typeof origins === 'function') {
    allowOrigin = (origin) => (origin !== undefined && origins(origin) === true ? origin : undefined);
  } else if (Array.isArray(origins) && origins.every((entry) => typeof entry === 'string')) {
    if (origins.includes('*')) {
      if (origins.length > 1) throw new TypeError('cors origins: "*" (any origin) cannot be combined with origins');
      return {
        preflightHeaders: (_origin, requested) => preflight('*', requested, false),
        allowOrigin: () => '*',
        variesByOrigin: false,
      };
    }
    const notOrigins = origins.filter((entry) => serializedOrigin(entry) === undefined);
    if (notOrigins.length > 0) {
      throw new TypeError(
        `cors origins: not an origin (scheme://host[:port], no path): ${notOrigins.map((entry) => JSON.stringify(entry.slice(0, 80))).join(', ')}`,
      );
    }
    const allowed = new Set(origins.map((entry) => serializedOrigin(entry)));
    allowOrigin = (origin) => (origin !== undefined && allowed.has(origin) ? origin : undefined);
  } else {
    throw new TypeError('cors origins must be a list of origins (or ["*"]) or a function (origin) => boolean');
  }
  return {
    preflightHeaders(origin, requested) {
      const allowed = allowOrigin(origin);
      return allowed === undefined ? { Vary: 'Origin' } : preflight(allowed, requested, true);
    },
    allowOrigin,
    variesByOrigin: true,
  };
}

function preflight(
  allowOrigin: string,
  requested: string | undefined,
  variesByOrigin: boolean,
): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': allowOrigin,
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': allowedRequestHeaders(requested),
    'Access-Control-Expose-Headers': EXPOSED_LIST,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
    Vary: variesByOrigin ? 'Origin, Access-Control-Request-Headers' : 'Access-Control-Request-Headers',
  };
}

/**
 * Headers of a `204` preflight answer for any origin that asks for no header beyond the standard
 * ones. Kept for callers that answer preflights themselves; adapters use {@link createCorsPolicy},
 * which also admits the `Mcp-Param-*` headers a request names.
 *
 * @example
 * ```ts
 * if (method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_PREFLIGHT_HEADERS });
 * ```
 */
export const CORS_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze(preflight('*', undefined, false));

/**
 * The `Access-Control-Expose-Headers` value after adding ours to what the application (or its own
 * CORS middleware) already set, so neither side erases the other's entries.
 *
 * @example
 * ```ts
 * mergeExposedHeaders('X-Request-Id'); // 'X-Request-Id, WWW-Authenticate, Retry-After, DPoP-Nonce, Mcp-Session-Id, Mcp-Protocol-Version'
 * ```
 */
export function mergeExposedHeaders(current: string | undefined): string {
  if (current === undefined || current.trim() === '') return EXPOSED_LIST;
  if (current.trim() === '*') return current;
  const present = new Set(current.split(',').map((name) => name.trim().toLowerCase()));
  const missing = EXPOSED_HEADERS.filter((name) => !present.has(name.toLowerCase()));
  return missing.length === 0 ? current : `${current}, ${missing.join(', ')}`;
}

/**
 * A `Vary` value that includes `Origin`, keeping what the application set.
 *
 * @example
 * ```ts
 * varyOnOrigin('Accept-Encoding'); // 'Accept-Encoding, Origin'
 * ```
 */
export function varyOnOrigin(current: string | undefined): string {
  if (current === undefined || current.trim() === '') return 'Origin';
  const names = current.split(',').map((name) => name.trim().toLowerCase());
  return names.includes('origin') || names.includes('*') ? current : `${current}, Origin`;
}

/**
 * The `cors` option of every mcp-warden adapter: `true` (the default) answers preflights and adds
 * the CORS headers for the origins of `MCP_CORS_ORIGINS` (`corsOrigins`); `{ origins }` names
 * other origins, or a function; `false` leaves CORS to the application's own middleware.
 */
export type CorsOption = boolean | { origins: CorsOrigins };

/**
 * The policy an adapter applies for its `cors` option, or `undefined` when CORS is off.
 *
 * @throws {TypeError} at start-up when the option is malformed.
 * @example
 * ```ts
 * const policy = corsPolicyFor(options.cors, authenticator.config);
 * if (policy && method === 'OPTIONS') answer(204, policy.preflightHeaders(origin, requestedHeaders));
 * ```
 */
export function corsPolicyFor(
  option: CorsOption | undefined,
  config: { readonly corsOrigins?: readonly string[] },
): CorsPolicy | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return createCorsPolicy(config.corsOrigins ?? ['*']);
  if (typeof option === 'object' && option !== null && 'origins' in option) return createCorsPolicy(option.origins);
  throw new TypeError('cors must be true, false or { origins: [...] | (origin) => boolean }');
}
