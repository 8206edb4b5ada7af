/**
 * The failures core produces, each with its stable code, OAuth error, status and the client-safe
 * description the original description uses ("Could not validate credentials", "Invalid token
 * audience", "JWT authentication is not enabled"). Details go to `cause`, for logs only.
 *
 * @module
 */

import { UNEXPECTED_FAILURE } from '../adapter/unexpected-failure.js';
import { AuthError } from './auth-error.js';

/** Every `AuthError.code` core produces; switch on it in logs and tests. */
export type AuthErrorCode =
  | 'ERR_CREDENTIALS_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_TIME_INVALID'
  | 'ERR_TOKEN_TYPE_INVALID'
  | 'ERR_AUDIENCE_MISMATCH'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_JWT_DISABLED'
  | 'ERR_API_KEY_DISABLED'
  | 'ERR_API_KEY_INVALID'
  | 'ERR_BASIC_CREDENTIALS_INVALID'
  | 'ERR_CREDENTIALS_MISSING'
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_MALFORMED_AUTHORIZATION'
  | 'ERR_VERIFIER_UNAVAILABLE'
  | 'ERR_UNEXPECTED_FAILURE'
  | 'ERR_DISCOVERY_ISSUER_MISMATCH'
  // DPoP (RFC 9449; dpop/dpop-failures.ts)
  | 'ERR_DPOP_PROOF_INVALID'
  | 'ERR_DPOP_PROOF_REPLAYED'
  | 'ERR_DPOP_KEY_MISMATCH'
  | 'ERR_DPOP_NONCE_REQUIRED'
  | 'ERR_DPOP_TOKEN_NOT_BOUND'
  | 'ERR_DPOP_BOUND_TOKEN_AS_BEARER'
  | 'ERR_DPOP_REQUIRED'
  | 'ERR_DPOP_STORE_UNAVAILABLE';

/**
 * The original description's answer when authorization-server metadata is requested but no OAuth
 * server is configured (used by `@mcp-warden/metadata`, RFC 8414 §3).
 *
 * @example
 * ```ts
 * return Response.json({ error: 'not_found', error_description: AUTHORIZATION_SERVER_NOT_CONFIGURED }, { status: 404 });
 * ```
 */
export const AUTHORIZATION_SERVER_NOT_CONFIGURED = 'OAuth authorization server not configured';

/**
 * The generic description of a failed credential check: says nothing an attacker could use.
 *
 * @example
 * ```ts
 * if (result.outcome === 'rejected') console.log(result.body.error_description); // 'Could not validate credentials'
 * ```
 */
export const COULD_NOT_VALIDATE = 'Could not validate credentials';

/** A 401 `invalid_token`. */
export function invalidToken(code: AuthErrorCode, description: string, cause?: unknown): AuthError {
  return new AuthError({ code, error: 'invalid_token', status: 401, description, cause });
}

/** 401 without an error code: the request carried no credentials (RFC 6750 §3.1). */
export function credentialsMissing(): AuthError {
  return new AuthError({
    code: 'ERR_CREDENTIALS_MISSING',
    error: 'invalid_token',
    status: 401,
    description: 'Authentication required',
  });
}

/** 400 `invalid_request`: the Authorization header is not `Bearer <token68>` (RFC 6750 §3.1). */
export function malformedAuthorization(reason: 'scheme' | 'token'): AuthError {
  return new AuthError({
    code: 'ERR_MALFORMED_AUTHORIZATION',
    error: 'invalid_request',
    status: 400,
    description:
      reason === 'scheme'
        ? 'The Authorization header must use the Bearer scheme'
        : 'The Authorization header must be "Bearer <token>"',
  });
}

/** 403 `insufficient_scope` (RFC 6750 §3.1). */
export function insufficientScope(): AuthError {
  return new AuthError({
    code: 'ERR_INSUFFICIENT_SCOPE',
    error: 'insufficient_scope',
    status: 403,
    description: 'The access token does not grant the scope this operation requires',
  });
}

const UNAVAILABLE_DESCRIPTIONS = {
  keys: 'The token verification keys are temporarily unavailable; retry later',
  introspection: 'The token introspection endpoint is temporarily unavailable; retry later',
} as const;

/**
 * 503 `temporarily_unavailable`: keys could not be obtained and none is cached, or the
 * introspection endpoint (RFC 7662) did not answer usably. Never a pass. `what` names which, so
 * the description tells the client what is down.
 */
export function verifierUnavailable(
  retryAfter: number,
  cause?: unknown,
  what: keyof typeof UNAVAILABLE_DESCRIPTIONS = 'keys',
): AuthError {
  return new AuthError({
    code: 'ERR_VERIFIER_UNAVAILABLE',
    error: 'temporarily_unavailable',
    status: 503,
    description: UNAVAILABLE_DESCRIPTIONS[what],
    retryAfter,
    cause,
  });
}

/**
 * 503 `temporarily_unavailable`: something that should never throw did. Fails closed with the
 * answer of {@link UNEXPECTED_FAILURE}; the cause is for the error log only.
 */
export function unexpectedFailure(cause: unknown): AuthError {
  return new AuthError({
    code: 'ERR_UNEXPECTED_FAILURE',
    error: UNEXPECTED_FAILURE.body.error,
    status: UNEXPECTED_FAILURE.status,
    description: UNEXPECTED_FAILURE.body.error_description,
    retryAfter: Number(UNEXPECTED_FAILURE.headers['Retry-After']),
    cause,
  });
}
