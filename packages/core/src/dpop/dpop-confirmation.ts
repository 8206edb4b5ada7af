/**
 * The key an access token is bound to: its `cnf.jkt` (RFC 9449 §6.1 for JWTs, §6.2 for
 * introspection answers; RFC 7800 §3.1 for `cnf`). Read once, when the token is verified, and kept
 * in `AuthInfo.extra.cnf`, so the binding check on every request is a property read.
 *
 * @module
 */

import { COULD_NOT_VALIDATE, invalidToken } from '../errors/auth-failures.js';

/** The confirmation of a DPoP-bound token, as `AuthInfo.extra.cnf` carries it. */
export interface DpopConfirmation {
  /** RFC 7638 SHA-256 thumbprint of the key the token is bound to. */
  readonly jkt: string;
}

/**
 * The token's DPoP confirmation, or `undefined` when it names no `jkt` (an unbound token, or one
 * bound by another method this server does not check). A `jkt` that is not a non-empty string
 * cannot be compared with any key: the token is refused rather than treated as unbound.
 *
 * @throws {AuthError} 401 `invalid_token` for a malformed `cnf.jkt`.
 * @example
 * ```ts
 * dpopConfirmation({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }); // { jkt: '0ZcO…' }
 * dpopConfirmation({ sub: 'alice' }); // undefined
 * ```
 */
export function dpopConfirmation(claims: Record<string, unknown>): DpopConfirmation | undefined {
  const cnf = claims.cnf;
  if (typeof cnf !== 'object' || cnf === null || !('jkt' in cnf)) return undefined;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  if (typeof jkt !== 'string' || jkt === '') {
    throw invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE, new Error('cnf.jkt is not a thumbprint'));
  }
  return Object.freeze({ jkt });
}
