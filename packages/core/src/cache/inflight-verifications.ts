/**
 * Verifications in flight, so that concurrent requests carrying the same not-yet-cached token
 * share one signature check or one introspection call (RFC 7662 §2.2) instead of each starting its own.
 *
 * @module
 */

import { tailOf } from './token-tail.js';

interface Pending<T> {
  token: string;
  promise: Promise<T>;
}

/**
 * At most one pending verification per token. Indexed by the token's tail rather than keyed by the
 * whole token (see `token-tail.ts`), and always compared on the whole token. Two tokens sharing a
 * tail (which JWT signatures never do in practice) are simply not shared: the second one is
 * verified on its own.
 */
export class InflightVerifications<T> {
  readonly #byTail = new Map<string, Pending<T>>();

  /** The verification in flight for exactly this token, if any. */
  get(token: string): Promise<T> | undefined {
    const pending = this.#byTail.get(tailOf(token));
    return pending !== undefined && pending.token === token ? pending.promise : undefined;
  }

  /** Records the verification of `token`, unless another token with the same tail is in flight. */
  set(token: string, promise: Promise<T>): void {
    const tail = tailOf(token);
    if (!this.#byTail.has(tail)) this.#byTail.set(tail, { token, promise });
  }

  /** Forgets the verification of `token` (and never that of another token with the same tail). */
  delete(token: string): void {
    const tail = tailOf(token);
    if (this.#byTail.get(tail)?.token === token) this.#byTail.delete(tail);
  }

  /** Forgets every verification in flight. */
  clear(): void {
    this.#byTail.clear();
  }
}
