/**
 * The one error type every verifier and the authenticate decision produce.
 *
 * @module
 */

/**
 * OAuth 2.0 error codes a resource server may answer with: the three of RFC 6750 §3.1;
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1) for a 503 when the verifier's infrastructure (JWKS,
 * discovery, introspection) cannot be reached and no usable key is cached; and the two of DPoP,
 * `invalid_dpop_proof` (RFC 9449 §7.1) and `use_dpop_nonce` (RFC 9449 §9).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

const AUTH_ERROR_BRAND: unique symbol = Symbol.for('mcp-warden.AuthError') as never;

/** Options for {@link AuthError}. */
export interface AuthErrorOptions {
  /** Stable machine-readable code, e.g. `ERR_TOKEN_EXPIRED`. */
  code: string;
  /** OAuth error code for the `WWW-Authenticate` challenge and JSON body. */
  error: OAuthErrorCode;
  /** HTTP status to answer with. */
  status: number;
  /** Client-safe description. Never contains a token, key or secret. */
  description: string;
  /** The underlying failure, for server logs only. */
  cause?: unknown;
  /** Seconds after which a retry may succeed; answered as `Retry-After` with a 503. */
  retryAfter?: number;
}

/**
 * A client-safe authentication failure.
 *
 * @example
 * ```ts
 * throw new AuthError({
 *   code: 'ERR_AUDIENCE_MISMATCH',
 *   error: 'invalid_token',
 *   status: 401,
 *   description: 'Invalid token audience',
 * });
 * ```
 */
export class AuthError extends Error {
  /** Brand checked by {@link isAuthError}; survives two copies of core in one tree. */
  readonly [AUTH_ERROR_BRAND] = true;
  readonly code: string;
  readonly error: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  readonly retryAfter: number | undefined;

  constructor(options: AuthErrorOptions) {
    super(options.description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = options.code;
    this.error = options.error;
    this.status = options.status;
    this.description = options.description;
    this.retryAfter = options.retryAfter;
  }

  /** The JSON body to answer with: `{ error, error_description }`. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/**
 * Whether `value` is an {@link AuthError}, from this or any other copy of the package.
 *
 * @example
 * ```ts
 * if (isAuthError(err)) res.status(err.status).json(err.toJSON());
 * ```
 */
export function isAuthError(value: unknown): value is AuthError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[AUTH_ERROR_BRAND] === true;
}
