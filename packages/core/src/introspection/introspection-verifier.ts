/**
 * RFC 7662 token introspection for opaque access tokens (RFC 7662 §2.2): the authorization server says
 * whether a token is active and what it grants.
 *
 * - The request authenticates this resource server (RFC 7662 §2.1) with `client_secret_basic` or
 *   `client_secret_post` (RFC 6749 §2.3.1), carries `token_type_hint=access_token`, and is bounded
 *   in time and size; the token goes only to the introspection endpoint (MCP security best practices, "Token Passthrough").
 * - `active: false` is a 401; an unreachable, failing or nonsensical endpoint is a 503 (never a
 *   pass).
 * - An active answer is held to the same rules as a JWT: `exp`/`nbf` with the clock tolerance,
 *   `aud` must name this server (RFC 8707 §2), `iss` (when given) must be the configured issuer, scopes and
 *   client id come from the same claims (RFC 9068 §2.2), and a token type other than Bearer (or
 *   DPoP with its key binding, RFC 9449 §6.2) is refused.
 * - The caller caches active answers until `cacheUntil`: never past `exp`, never longer than the
 *   configured maximum age, so a revocation takes effect within it.
 *
 * @module
 */

import { createAuthInfo } from '../authenticate/auth-info.js';
import type { AuthInfo } from '../authenticate/authenticator-types.js';
import { timeClaimsProblem } from '../authenticate/time-claims.js';
import {
  audienceMatches,
  type ClaimMapping,
  clientIdFromClaims,
  DEFAULT_CLAIM_MAPPING,
  normalizeAudience,
  scopesFromClaims,
} from '../authenticate/token-claims.js';
import type { IntrospectionAuthMethod } from '../config/config-schema.js';
import { dpopConfirmation } from '../dpop/dpop-confirmation.js';
import { COULD_NOT_VALIDATE, invalidToken, verifierUnavailable } from '../errors/auth-failures.js';
import { FetchJsonError, fetchJson } from '../http/fetch-json.js';
import type { Logger } from '../logging/logger.js';
import type { IntrospectionEndpoint } from './introspection-endpoint.js';

/** What {@link createIntrospectionVerifier} needs. */
export interface IntrospectionVerifierOptions {
  /** The endpoint URL, or a resolver that discovers it. */
  endpoint: string | IntrospectionEndpoint;
  clientId?: string;
  clientSecret?: string;
  /** How the client credentials are sent (default `client_secret_basic`). */
  authMethod?: IntrospectionAuthMethod;
  /** `iss` values accepted when the answer carries one (default: any). */
  acceptedIssuers?: readonly string[];
  audiences: readonly string[];
  resourceUrl: string;
  clockTolerance: number;
  timeoutMs: number;
  /** The longest an active answer is reused, in seconds (default 60; 0: never cached). */
  maxCacheAgeSeconds?: number;
  /** Where scopes and the client id are read from (default: RFC 9068 §2.2's claims). */
  claims?: ClaimMapping;
  fetch?: typeof globalThis.fetch;
  logger?: Logger;
}

/** An introspected token and until when its answer may be reused (seconds since the epoch; `undefined`: not at all). */
export interface IntrospectedToken {
  authInfo: AuthInfo;
  cacheUntil: number | undefined;
}

/** Default for {@link IntrospectionVerifierOptions.maxCacheAgeSeconds} (RFC 7662 §2.2). */
export const INTROSPECTION_CACHE_MAX_SECONDS = 60;
const RETRY_AFTER_SECONDS = 5;
const MAX_ANSWER_BYTES = 64 * 1024;
/** A failing endpoint is reported once per window: incidents, not requests. */
const WARN_INTERVAL_MS = 30_000;
/**
 * RFC 7662 §2.2 `token_type` values meaning a bearer access token (RFC 6750). `DPoP` is accepted
 * with a `cnf.jkt` (RFC 9449 §6.2); anything else (refresh tokens) is refused.
 */
const BEARER_TOKEN_TYPES = new Set(['bearer', 'access_token']);

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const credentials = new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`);
  return `Basic ${btoa(String.fromCharCode(...credentials))}`;
}

/**
 * Builds the introspection function.
 *
 * @example
 * ```ts
 * const introspect = createIntrospectionVerifier({
 *   endpoint: 'https://auth.example.com/oauth/introspect',
 *   clientId: 'mcp-server',
 *   clientSecret: process.env.MCP_OAUTH_CLIENT_SECRET,
 *   audiences: ['https://mcp.example.com/mcp'],
 *   resourceUrl: 'https://mcp.example.com/mcp',
 *   clockTolerance: 5,
 *   timeoutMs: 5000,
 * });
 * const { authInfo, cacheUntil } = await introspect(token);
 * ```
 */
export function createIntrospectionVerifier(
  options: IntrospectionVerifierOptions,
): (token: string) => Promise<IntrospectedToken> {
  const expected = new Set(options.audiences.map(normalizeAudience));
  const acceptedIssuers = options.acceptedIssuers === undefined ? undefined : new Set(options.acceptedIssuers);
  const mapping = options.claims ?? DEFAULT_CLAIM_MAPPING;
  const maxAge = options.maxCacheAgeSeconds ?? INTROSPECTION_CACHE_MAX_SECONDS;
  const endpoint: IntrospectionEndpoint =
    typeof options.endpoint === 'string' ? () => Promise.resolve(options.endpoint as string) : options.endpoint;
  const post = options.authMethod === 'client_secret_post' && options.clientId !== undefined;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.clientId !== undefined && !post) {
    headers.authorization = basicAuthorization(options.clientId, options.clientSecret ?? '');
  }
  let lastWarnAt = Number.NEGATIVE_INFINITY;

  function warnOnce(error: unknown): void {
    const now = Date.now();
    if (now - lastWarnAt < WARN_INTERVAL_MS) return;
    lastWarnAt = now;
    const { failure, status } = (error ?? {}) as { failure?: unknown; status?: unknown };
    options.logger?.warn(
      {
        failure: typeof failure === 'string' ? failure : undefined,
        status: typeof status === 'number' ? status : undefined,
        cause: error instanceof Error ? `${error.name}: ${error.message}` : undefined,
        ...(status === 401 || status === 400
          ? { hint: 'check MCP_OAUTH_CLIENT_ID, MCP_OAUTH_CLIENT_SECRET and MCP_OAUTH_INTROSPECTION_AUTH_METHOD' }
          : {}),
      },
      'token introspection failed',
    );
  }

  async function ask(token: string): Promise<Record<string, unknown>> {
    let url: string;
    try {
      url = await endpoint();
    } catch (error) {
      warnOnce((error as { cause?: unknown }).cause ?? error);
      throw error;
    }
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
    if (post) {
      form.set('client_id', options.clientId!);
      form.set('client_secret', options.clientSecret ?? '');
    }
    let answer: unknown;
    try {
      answer = await fetchJson(url, {
        timeoutMs: options.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        fetch: options.fetch,
        init: { method: 'POST', headers, body: form.toString() },
      });
    } catch (error) {
      if (!(error instanceof FetchJsonError)) throw error;
      warnOnce(error);
      throw verifierUnavailable(RETRY_AFTER_SECONDS, error, 'introspection');
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      const error = new Error('introspection answer is not a JSON object');
      warnOnce(error);
      throw verifierUnavailable(RETRY_AFTER_SECONDS, error, 'introspection');
    }
    return answer as Record<string, unknown>;
  }

  return async function introspect(token: string): Promise<IntrospectedToken> {
    const claims = await ask(token);
    if (claims.active !== true) throw invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE);

    // RFC 7662 §2.2: `exp`, `nbf` and `iat` are NumericDates, as in a JWT; anything else (a
    // string, Infinity from `1e400`) is an answer this server cannot hold the token to.
    const timeProblem = timeClaimsProblem(claims);
    if (timeProblem !== undefined) throw timeProblem;
    const now = Date.now() / 1000;
    const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
    if (exp !== undefined && exp <= now - options.clockTolerance) {
      throw invalidToken('ERR_TOKEN_EXPIRED', 'Token has expired');
    }
    if (typeof claims.nbf === 'number' && claims.nbf > now + options.clockTolerance) {
      throw invalidToken('ERR_TOKEN_NOT_YET_VALID', 'Token is not yet valid');
    }
    // RFC 8707 §2, exactly as for JWTs: an answer that does not name this server as audience is refused,
    // including one without `aud` (a token issued for any resource is not a token issued for us).
    if (!audienceMatches(claims.aud, expected)) {
      throw invalidToken('ERR_AUDIENCE_MISMATCH', 'Invalid token audience');
    }
    // RFC 7662 §2.2 makes `iss` optional: the endpoint itself speaks for the issuer. When present
    // it must be the one configured.
    if (acceptedIssuers !== undefined && claims.iss !== undefined && !acceptedIssuers.has(claims.iss as string)) {
      throw invalidToken('ERR_ISSUER_MISMATCH', 'Invalid token issuer');
    }
    // RFC 9449 §6.2: a DPoP-bound token is introspected as `token_type: DPoP` with its `cnf.jkt`.
    const cnf = dpopConfirmation(claims);
    if (typeof claims.token_type === 'string') {
      const type = claims.token_type.toLowerCase();
      if (!BEARER_TOKEN_TYPES.has(type) && !(type === 'dpop' && cnf !== undefined)) {
        throw invalidToken('ERR_TOKEN_TYPE_INVALID', 'Invalid token type');
      }
    }

    const extra: NonNullable<AuthInfo['extra']> = { method: 'introspection', claims: Object.freeze({ ...claims }) };
    if (typeof claims.sub === 'string') extra.subject = claims.sub;
    if (typeof claims.iss === 'string') extra.issuer = claims.iss;
    if (cnf !== undefined) extra.cnf = cnf;
    const authInfo: AuthInfo = createAuthInfo(
      {
        token,
        clientId: clientIdFromClaims(claims, mapping.clientIdClaims),
        scopes: Object.freeze(scopesFromClaims(claims, mapping.scopeClaims)) as string[],
        ...(exp === undefined ? {} : { expiresAt: exp }),
        extra: Object.freeze(extra),
      },
      options.resourceUrl,
    );
    // The cache serves an entry until its time + the clock tolerance; subtracting the tolerance
    // here keeps reuse strictly within `exp` and the maximum age (RFC 7662 §2.2).
    const until = Math.min(exp ?? Number.POSITIVE_INFINITY, now + maxAge) - options.clockTolerance;
    return { authInfo, cacheUntil: maxAge > 0 && until > now ? until : undefined };
  };
}
