/**
 * The failures of DPoP (RFC 9449), each with its stable code, OAuth error, status and a client-safe
 * description. A bad proof is `invalid_dpop_proof` (RFC 9449 §7.1); a missing server nonce is
 * `use_dpop_nonce` (RFC 9449 §9); a problem with the token itself (unbound, or bound but sent as
 * Bearer) is `invalid_token` (RFC 6750 §3.1).
 *
 * @module
 */

import { AuthError } from '../errors/auth-error.js';

/** Seconds a client should wait before retrying when the replay store cannot be reached. */
const STORE_RETRY_AFTER_SECONDS = 5;

/** 401 `invalid_dpop_proof`: the proof is missing, malformed, or fails one of the checks of RFC 9449 §4.3. */
export function invalidDpopProof(description: string, cause?: unknown): AuthError {
  return new AuthError({
    code: 'ERR_DPOP_PROOF_INVALID',
    error: 'invalid_dpop_proof',
    status: 401,
    description,
    cause,
  });
}

/** 401 `invalid_dpop_proof`: a proof whose `jti` was already presented within its window (RFC 9449 §11.1). */
export function dpopProofReplayed(): AuthError {
  return new AuthError({
    code: 'ERR_DPOP_PROOF_REPLAYED',
    error: 'invalid_dpop_proof',
    status: 401,
    description: 'The DPoP proof has already been used',
  });
}

/**
 * 401 `invalid_dpop_proof`: the proof is signed with another key than the one the token is bound
 * to (RFC 9449 §4.3 step 12, §7.1): a stolen token presented with the thief's own key.
 */
export function dpopKeyMismatch(): AuthError {
  return new AuthError({
    code: 'ERR_DPOP_KEY_MISMATCH',
    error: 'invalid_dpop_proof',
    status: 401,
    description: 'The DPoP proof is not signed with the key the access token is bound to',
  });
}

/** The nonce each `use_dpop_nonce` error hands the client, for its `DPoP-Nonce` header. */
const CHALLENGE_NONCES = new WeakMap<AuthError, string>();

/** 401 `use_dpop_nonce` (RFC 9449 §9): the proof must carry `nonce`, sent in `DPoP-Nonce`. */
export function dpopNonceRequired(nonce: string): AuthError {
  const error = new AuthError({
    code: 'ERR_DPOP_NONCE_REQUIRED',
    error: 'use_dpop_nonce',
    status: 401,
    description: 'Resource server requires nonce in DPoP proof',
  });
  CHALLENGE_NONCES.set(error, nonce);
  return error;
}

/** The nonce to answer in `DPoP-Nonce` with `error`, when it is a `use_dpop_nonce` one. */
export function challengeNonceOf(error: AuthError): string | undefined {
  return CHALLENGE_NONCES.get(error);
}

/** 401 `invalid_token`: a token presented with the DPoP scheme that is not bound to a key (RFC 9449 §7.1). */
export function dpopTokenNotBound(): AuthError {
  return new AuthError({
    code: 'ERR_DPOP_TOKEN_NOT_BOUND',
    error: 'invalid_token',
    status: 401,
    description: 'The access token is not bound to a DPoP key',
  });
}

/**
 * 401 `invalid_token`: a token bound to a key (`cnf.jkt`) presented as a plain Bearer token, which
 * would let anyone holding a copy use it (RFC 9449 §7.1).
 */
export function dpopBoundTokenAsBearer(): AuthError {
  return new AuthError({
    code: 'ERR_DPOP_BOUND_TOKEN_AS_BEARER',
    error: 'invalid_token',
    status: 401,
    description: 'The access token is bound to a DPoP key: present it with the DPoP scheme and a proof',
  });
}

/** 401 `invalid_token`: a Bearer access token where DPoP-bound tokens are required (RFC 9728 §2, `dpop_bound_access_tokens_required`). */
export function dpopRequired(): AuthError {
  return new AuthError({
    code: 'ERR_DPOP_REQUIRED',
    error: 'invalid_token',
    status: 401,
    description: 'This resource requires DPoP-bound access tokens',
  });
}

/**
 * 503 `temporarily_unavailable`: the store that remembers proofs and nonces failed. Fails closed:
 * without it a replayed proof could not be told from a fresh one (RFC 9449 §11.1).
 */
export function dpopStoreUnavailable(cause: unknown): AuthError {
  return new AuthError({
    code: 'ERR_DPOP_STORE_UNAVAILABLE',
    error: 'temporarily_unavailable',
    status: 503,
    description: 'The DPoP proof check is temporarily unavailable; retry later',
    retryAfter: STORE_RETRY_AFTER_SECONDS,
    cause,
  });
}
