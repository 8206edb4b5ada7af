/**
 * The answer when something that should never throw does (the authenticator, the metadata
 * handler). It fails closed, and it says nothing about what went wrong: never a 500 with a
 * stack trace or a library's message (docs/architecture.md: error bodies).
 *
 * @module
 */

import type { AuthErrorBody } from '../authenticate/authenticator-types.js';
import type { HttpAnswer } from '../http/http-answer.js';

/**
 * Status, headers and JSON body of the fail-closed answer; the same in every adapter.
 *
 * @example
 * ```ts
 * try { result = await authenticator.authenticate(request); } catch { return send(UNEXPECTED_FAILURE); }
 * ```
 */
export const UNEXPECTED_FAILURE: HttpAnswer<AuthErrorBody & { error: 'temporarily_unavailable' }> = Object.freeze({
  status: 503,
  headers: Object.freeze({ 'Retry-After': '5' }),
  body: Object.freeze({
    error: 'temporarily_unavailable' as const,
    error_description: 'Authentication is temporarily unavailable',
  }),
});
