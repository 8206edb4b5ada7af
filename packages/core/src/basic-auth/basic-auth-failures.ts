/**
 * The refusals of HTTP Basic credentials: a malformed header is a client's mistake (400
 * `invalid_request`), wrong credentials are a 401 that says nothing about which half was wrong.
 *
 * @module
 */

import { AuthError } from '../errors/auth-error.js';
import { COULD_NOT_VALIDATE } from '../errors/auth-failures.js';
import type { BasicMalformedReason } from './basic-credentials.js';

/** 400 `invalid_request`: `Authorization: Basic` that is not the base64 of UTF-8 `user:password` (RFC 7617 §2). */
export function malformedBasicAuthorization(reason: BasicMalformedReason): AuthError {
  return new AuthError({
    code: 'ERR_MALFORMED_AUTHORIZATION',
    error: 'invalid_request',
    status: 400,
    description:
      reason === 'utf8'
        ? 'The Basic credentials must be UTF-8 (RFC 7617 §2.1)'
        : 'The Authorization header must be "Basic <base64 of user-id:password>" (RFC 7617)',
  });
}

/**
 * 401: no configured user has this user id and password. The same answer (and the same work,
 * basic-auth-verifier.ts) whether the user id exists or not.
 */
export function basicCredentialsInvalid(): AuthError {
  return new AuthError({
    code: 'ERR_BASIC_CREDENTIALS_INVALID',
    error: 'invalid_token',
    status: 401,
    description: COULD_NOT_VALIDATE,
  });
}
