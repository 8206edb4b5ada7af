/**
 * State that several instances of a server behind one load balancer must agree on: DPoP proof
 * identifiers already used (RFC 9449 §11.1), server-issued DPoP nonces (RFC 9449 §8) and cached
 * introspection results (RFC 7662 §4). One instance alone can keep it in memory
 * ({@link createMemoryStore}); several share it through an implementation backed by a shared
 * database, such as `@mcp-warden/redis`.
 *
 * Keys are namespaced by the caller (`dpop-jti:…`, `dpop-nonce:…`, `introspection:…`) and never
 * contain a whole credential: callers pass digests.
 *
 * @module
 */

/** A key/value store with expiry, shared by every instance that serves one resource. */
export interface SharedStore {
  /**
   * Stores `key` for `ttlMs` milliseconds unless it is already present. Resolves `true` when the
   * key was absent (and is now stored), `false` when it was already there: the one atomic step a
   * replay check needs.
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing any earlier value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Releases what the store holds open (connections, timers). Idempotent. */
  close?(): Promise<void>;
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Entries held at most; when full, the entries closest to expiry are dropped first. Default
   * 100,000. A replay store that drops an unexpired entry could accept a replay of it, so size it
   * above the number of proofs one window can bring.
   */
  maxEntries?: number;
  /** The clock, in milliseconds (tests). Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A {@link SharedStore} in this process's memory: right for one instance, bounded in entries, with
 * expired entries swept as new ones arrive.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SharedStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('createMemoryStore: maxEntries must be a positive integer');
  }
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function live(key: string, at: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= at) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function makeRoom(at: number): void {
    if (entries.size < maxEntries) return;
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    if (entries.size < maxEntries) return;
    // Still full of live entries: drop those that expire soonest (a tenth at once, so a full store
    // does not sort on every insert).
    const byExpiry = [...entries].sort((a, b) => a[1].expiresAt - b[1].expiresAt);
    const drop = Math.max(1, Math.floor(maxEntries / 10));
    for (let i = 0; i < drop && i < byExpiry.length; i++) entries.delete(byExpiry[i]![0]);
  }

  function put(key: string, value: string, ttlMs: number, at: number): void {
    entries.delete(key);
    makeRoom(at);
    entries.set(key, { value, expiresAt: at + Math.max(0, ttlMs) });
  }

  return {
    async setIfAbsent(key, value, ttlMs) {
      const at = now();
      if (live(key, at) !== undefined) return false;
      put(key, value, ttlMs, at);
      return true;
    },
    async get(key) {
      return live(key, now())?.value;
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs, now());
    },
    async close() {
      entries.clear();
    },
  };
}
