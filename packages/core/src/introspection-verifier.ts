/**
 * RFC 7662 token introspection for opaque access tokens (R17): the authorization server says
 * whether a token is active and what it grants. `active: false` is a 401; an unreachable or failing
 * endpoint is a 503 (never a pass); positive answers are cached by the caller no longer than the
 * token's `exp` and a fixed maximum.
 *
 * @module
 */

import { COULD_NOT_VALIDATE, invalidToken, verifierUnavailable } from './auth-failures.js';
import type { AuthInfo, AuthLogger } from './authenticator-types.js';
import { FetchJsonError, fetchJson } from './fetch-json.js';
import { audienceMatches, clientIdFromClaims, normalizeAudience, scopesFromClaims } from './token-claims.js';

/** What {@link createIntrospectionVerifier} needs. */
export interface IntrospectionVerifierOptions {
  endpoint: string;
  clientId?: string;
  clientSecret?: string;
  issuer?: string;
  audiences: readonly string[];
  resourceUrl: string;
  clockTolerance: number;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  /** Where failed calls are reported, at most once per {@link INCIDENT_LOG_WINDOW_MS}. */
  logger?: AuthLogger;
}

/** An introspected token and how long its answer may be cached (seconds since the epoch). */
export interface IntrospectedToken {
  authInfo: AuthInfo;
  cacheUntil: number;
}

/** Positive answers are reused at most this long, so a revocation takes effect within it (R17). */
export const INTROSPECTION_CACHE_MAX_SECONDS = 60;
const RETRY_AFTER_SECONDS = 5;
/**
 * A failing endpoint is one incident, not one per request: it is logged at most once per window,
 * with the number of failures left unlogged since the last line (issue 8).
 */
export const INCIDENT_LOG_WINDOW_MS = 30_000;

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const credentials = new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`);
  return `Basic ${btoa(String.fromCharCode(...credentials))}`;
}

/**
 * Builds the introspection function. The request carries the resource server's own client
 * credentials (RFC 7662 §2.1); the token goes only to the configured endpoint (R11).
 */
export function createIntrospectionVerifier(
  options: IntrospectionVerifierOptions,
): (token: string) => Promise<IntrospectedToken> {
  const expected = new Set(options.audiences.map(normalizeAudience));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.clientId !== undefined) {
    headers.authorization = basicAuthorization(options.clientId, options.clientSecret ?? '');
  }

  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let unlogged = 0;
  function reportFailure(failure: string, status: number | undefined): void {
    const now = Date.now();
    if (now - lastLoggedAt < INCIDENT_LOG_WINDOW_MS) {
      unlogged += 1;
      return;
    }
    // The failure class and status only: never the token, the credentials or the response body.
    options.logger?.warn({ failure, status, failuresSinceLastReport: unlogged }, 'token introspection failed');
    lastLoggedAt = now;
    unlogged = 0;
  }

  return async function introspect(token: string): Promise<IntrospectedToken> {
    let answer: unknown;
    try {
      answer = await fetchJson(options.endpoint, {
        timeoutMs: options.timeoutMs,
        maxBytes: 64 * 1024,
        fetch: options.fetch,
        init: {
          method: 'POST',
          headers,
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        },
      });
    } catch (error) {
      if (error instanceof FetchJsonError) {
        reportFailure(error.failure, error.status);
        throw verifierUnavailable(RETRY_AFTER_SECONDS, error);
      }
      throw error;
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      reportFailure('invalid_json', undefined);
      throw verifierUnavailable(RETRY_AFTER_SECONDS, new Error('introspection answer is not a JSON object'));
    }
    const claims = answer as Record<string, unknown>;
    if (claims.active !== true) throw invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE);

    const now = Date.now() / 1000;
    const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
    if (exp !== undefined && exp <= now - options.clockTolerance) {
      throw invalidToken('ERR_TOKEN_EXPIRED', 'Token has expired');
    }
    if (typeof claims.nbf === 'number' && claims.nbf > now + options.clockTolerance) {
      throw invalidToken('ERR_TOKEN_NOT_YET_VALID', 'Token is not yet valid');
    }
    // R10 holds for introspected tokens too: when the server names an audience, it must be us.
    if (claims.aud !== undefined && !audienceMatches(claims.aud, expected)) {
      throw invalidToken('ERR_AUDIENCE_MISMATCH', 'Invalid token audience');
    }
    if (options.issuer !== undefined && claims.iss !== undefined && claims.iss !== options.issuer) {
      throw invalidToken('ERR_ISSUER_MISMATCH', 'Invalid token issuer');
    }

    const extra: NonNullable<AuthInfo['extra']> = { method: 'introspection', claims: Object.freeze({ ...claims }) };
    if (typeof claims.sub === 'string') extra.subject = claims.sub;
    if (typeof claims.iss === 'string') extra.issuer = claims.iss;
    const authInfo: AuthInfo = Object.freeze({
      token,
      clientId: clientIdFromClaims(claims),
      scopes: Object.freeze(scopesFromClaims(claims)) as string[],
      ...(exp === undefined ? {} : { expiresAt: exp }),
      resource: new URL(options.resourceUrl),
      extra: Object.freeze(extra),
    });
    const cap = now + INTROSPECTION_CACHE_MAX_SECONDS;
    return { authInfo, cacheUntil: exp === undefined ? cap : Math.min(exp, cap) };
  };
}
