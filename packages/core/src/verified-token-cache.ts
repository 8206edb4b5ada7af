/**
 * The verified-token cache: a repeat request with the same token costs a Map lookup and a time
 * check instead of a signature verification.
 *
 * - Keyed by the whole token string: never a prefix or a weak hash, so two tokens can never share
 *   an entry.
 * - Bounded in entries (oldest inserted entry evicted first) and never serving an entry past the
 *   token's `exp`: `exp` and `nbf` are re-checked, with the same clock tolerance, on every hit.
 * - Only verified tokens are stored; a failure never fills it.
 *
 * @module
 */

import type { AuthInfo } from './authenticator-types.js';

interface Entry {
  authInfo: AuthInfo;
  exp: number;
  nbf: number | undefined;
}

/** A bounded map from token to its verified AuthInfo. */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #toleranceSeconds: number;

  constructor(maxEntries: number, toleranceSeconds: number) {
    this.#maxEntries = maxEntries;
    this.#toleranceSeconds = toleranceSeconds;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached AuthInfo if the token is still within its validity window at `nowSeconds`. */
  get(token: string, nowSeconds: number): AuthInfo | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    // Same rule as jose: expired once now - tolerance reaches exp (RFC 7519 §4.1.4, R13).
    if (entry.exp <= nowSeconds - this.#toleranceSeconds) {
      this.#entries.delete(token);
      return undefined;
    }
    if (entry.nbf !== undefined && entry.nbf > nowSeconds + this.#toleranceSeconds) return undefined;
    return entry.authInfo;
  }

  /** Stores a verified token. No-op when the cache is disabled (0 entries). */
  set(token: string, authInfo: AuthInfo, exp: number, nbf: number | undefined): void {
    if (this.#maxEntries === 0) return;
    if (!this.#entries.has(token) && this.#entries.size >= this.#maxEntries) {
      // Map iteration is insertion order: the first key is the oldest entry.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { authInfo, exp, nbf });
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
