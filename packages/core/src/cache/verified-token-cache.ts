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
 * Lookups go through an index on the token's tail (the end of a JWT's signature: high entropy)
 * and then compare the whole token. V8 hashes every character of a string used as a Map key, and
 * each request brings a new string: hashing a 600-character RS256 token cost more than the rest
 * of a cache hit together (docs/performance.md). Tokens sharing a tail simply share an index bucket; equality
 * is always decided on the whole token.
 *
 * @module
 */

import type { AuthInfo } from '../authenticate/authenticator-types.js';
import { isToken68 } from '../authenticate/bearer-credentials.js';
import { tailOf } from './token-tail.js';

interface Entry {
  token: string;
  authInfo: AuthInfo;
  exp: number;
  nbf: number | undefined;
  /**
   * Whether the token is valid `Authorization: Bearer` syntax (RFC 6750 §2.1 token68); worked out
   * on the first header hit rather than on insert, where a distinct token would pay for it (docs/performance.md).
   */
  token68: boolean | undefined;
}

/**
 * How many of the oldest entries to drop when the cache (or the fingerprint set) is full: a tenth,
 * at least one. Dropping them one at a time made every insertion into a full cache walk past the
 * entries deleted before it (V8 keeps a deleted Map or Set entry as a hole until the table is
 * rebuilt): 6 µs per insertion at 10,000 entries (docs/performance.md). In batches the walk is paid once per
 * batch.
 */
function evictionBatch(maxEntries: number): number {
  return Math.max(1, Math.ceil(maxEntries / 10));
}

/** FNV-1a over the tail (a JWT's signature end), folded to 30 bits so it stays a small integer. */
function fingerprintOf(token: string): number {
  const tail = tailOf(token);
  let hash = 0x811c9dc5;
  for (let i = 0; i < tail.length; i++) hash = Math.imul(hash ^ tail.charCodeAt(i), 0x01000193);
  return hash & 0x3fffffff;
}

/** A bounded map from token to its verified AuthInfo. */
export class VerifiedTokenCache {
  /** Whole token → entry, in insertion order (eviction order). */
  readonly #entries = new Map<string, Entry>();
  /** Tail → the entries whose token ends with it (almost always one). */
  readonly #byTail = new Map<string, Entry[]>();
  /**
   * Fingerprints of JWTs verified once and not yet admitted, oldest first, at most `maxEntries`.
   * Small integers: V8 stores them in the set without allocating. Two tokens sharing a fingerprint
   * only mean the second is admitted on its first verification.
   */
  readonly #seenOnce = new Set<number>();
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
    return this.#valid(this.#find(token), nowSeconds)?.authInfo;
  }

  /**
   * Like {@link get}, for a token taken from `Authorization: Bearer <token>` without parsing the
   * header: only a token68 entry counts, so a hit proves the header was well-formed.
   */
  getBearer(token: string, nowSeconds: number): AuthInfo | undefined {
    const entry = this.#valid(this.#find(token), nowSeconds);
    if (entry === undefined) return undefined;
    entry.token68 ??= isToken68(entry.token);
    return entry.token68 ? entry.authInfo : undefined;
  }

  /**
   * Stores a verified JWT from its second verification on: the first one is only noted (a 30-bit
   * fingerprint, no object kept). A client's token is used for many requests, so it costs one more
   * signature check per token; a token seen once (a flood of distinct tokens, one-off callers)
   * never enters the cache, so it can neither push out the entries of clients in steady use nor
   * keep thousands of AuthInfos alive for the garbage collector to copy: that retention cost more
   * CPU per distinct token than the rest of the pipeline around jose (docs/performance.md).
   */
  offer(token: string, authInfo: AuthInfo, exp: number, nbf: number | undefined): void {
    if (this.#maxEntries === 0) return;
    const fingerprint = fingerprintOf(token);
    if (!this.#seenOnce.delete(fingerprint)) {
      if (this.#seenOnce.size >= this.#maxEntries) {
        let count = evictionBatch(this.#maxEntries);
        for (const oldest of this.#seenOnce) {
          this.#seenOnce.delete(oldest);
          if (--count === 0) break;
        }
      }
      this.#seenOnce.add(fingerprint);
      return;
    }
    this.set(token, authInfo, exp, nbf);
  }

  /** Stores a verified token (an introspection answer, which is worth keeping from the first call). No-op when the cache is disabled (0 entries). */
  set(token: string, authInfo: AuthInfo, exp: number, nbf: number | undefined): void {
    if (this.#maxEntries === 0) return;
    const existing = this.#entries.get(token);
    if (existing === undefined && this.#entries.size >= this.#maxEntries) {
      // Map iteration is insertion order: the first entries are the oldest.
      let count = evictionBatch(this.#maxEntries);
      for (const oldest of this.#entries.values()) {
        this.#delete(oldest);
        if (--count === 0) break;
      }
    }
    const entry: Entry = { token, authInfo, exp, nbf, token68: undefined };
    this.#entries.set(token, entry); // an existing key keeps its place in the eviction order
    if (existing !== undefined) this.#unindex(existing);
    const tail = tailOf(token);
    const bucket = this.#byTail.get(tail);
    if (bucket === undefined) this.#byTail.set(tail, [entry]);
    else bucket.push(entry);
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#byTail.clear();
    this.#seenOnce.clear();
  }

  #find(token: string): Entry | undefined {
    const bucket = this.#byTail.get(tailOf(token));
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (entry.token === token) return entry;
    return undefined;
  }

  #valid(entry: Entry | undefined, nowSeconds: number): Entry | undefined {
    if (entry === undefined) return undefined;
    // Same rule as jose: expired once now - tolerance reaches exp (RFC 7519 §4.1.4, RFC 7519 §4.1.4).
    if (entry.exp <= nowSeconds - this.#toleranceSeconds) {
      this.#delete(entry);
      return undefined;
    }
    if (entry.nbf !== undefined && entry.nbf > nowSeconds + this.#toleranceSeconds) return undefined;
    return entry;
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.token);
    this.#unindex(entry);
  }

  #unindex(entry: Entry): void {
    const tail = tailOf(entry.token);
    const bucket = this.#byTail.get(tail);
    if (bucket === undefined) return;
    const remaining = bucket.filter((other) => other !== entry);
    if (remaining.length === 0) this.#byTail.delete(tail);
    else this.#byTail.set(tail, remaining);
  }
}
