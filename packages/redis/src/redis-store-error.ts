/**
 * The one error a Redis store rejects with, whatever went wrong underneath, with a stable `code`
 * to tell the cases apart.
 *
 * @module
 */

/**
 * - `ERR_STORE_TIMEOUT`: Redis did not answer within `commandTimeoutMs`;
 * - `ERR_STORE_UNAVAILABLE`: not connected (Redis down, unreachable, or reconnecting): the command
 *   was refused at once rather than queued;
 * - `ERR_STORE_CLOSED`: the store was closed;
 * - `ERR_STORE_REPLY`: Redis answered with an error or an unexpected reply.
 */
export type RedisStoreErrorCode =
  | 'ERR_STORE_TIMEOUT'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_STORE_CLOSED'
  | 'ERR_STORE_REPLY';

/**
 * A failed store command. Its message names the command (`SET`, `GET`) and the Redis location
 * without credentials; never a key or a value.
 *
 * @example
 * ```ts
 * try {
 *   await store.get('introspection:…');
 * } catch (error) {
 *   if ((error as RedisStoreError).code === 'ERR_STORE_TIMEOUT') // …
 * }
 * ```
 */
export class RedisStoreError extends Error {
  override name = 'RedisStoreError';
  /** What went wrong, stable across versions: switch on it rather than on the message. */
  readonly code: RedisStoreErrorCode;

  constructor(code: RedisStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
