/**
 * A bounded in-memory storage adapter for oidc-provider. oidc-provider ships one too, but it
 * announces itself on the console; this one stays quiet, is bounded, and is shared by every
 * provider instance the issuer creates, so clients, grants and tokens survive a key rotation
 * (which rebuilds the provider with a new key set).
 *
 * @module
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds after which the entry is gone; `Infinity` for entries without a lifetime. */
  expiresAt: number;
}

// Tokens tied to a grant: revoking the grant (RFC 7009, or a refresh token reuse) revokes them all.
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** The storage behind every model, bounded to `maxEntries`. */
export class MemoryStore {
  readonly #entries = new Map<string, Entry>();
  readonly #sessionsByUid = new Map<string, string>();
  readonly #grantMembers = new Map<string, Set<string>>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  /** The adapter factory to hand to oidc-provider's `adapter` setting. */
  adapterFactory(): (model: string) => Adapter {
    return (model) => new MemoryAdapter(model, this);
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(model: string, key: string, payload: AdapterPayload, expiresIn: number | undefined): void {
    this.delete(key);
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    this.#entries.set(key, { payload, expiresAt });
    if (model === 'Session' && payload.uid) this.#sessionsByUid.set(payload.uid, key);
    if (GRANT_BOUND.has(model) && payload.grantId) {
      const members = this.#grantMembers.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.#grantMembers.set(payload.grantId, members);
    }
    if (this.#entries.size > this.#maxEntries) this.#evict();
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    const { uid, grantId } = entry.payload;
    if (uid && this.#sessionsByUid.get(uid) === key) this.#sessionsByUid.delete(uid);
    if (grantId) {
      const members = this.#grantMembers.get(grantId);
      members?.delete(key);
      if (members?.size === 0) this.#grantMembers.delete(grantId);
    }
  }

  sessionKeyByUid(uid: string): string | undefined {
    return this.#sessionsByUid.get(uid);
  }

  revokeGrant(grantId: string): void {
    for (const key of [...(this.#grantMembers.get(grantId) ?? [])]) this.delete(key);
    this.#grantMembers.delete(grantId);
  }

  // At capacity, make room for a tenth more at once, so the scan is not repeated on every insert.
  // Expired entries go first, then the oldest short-lived ones (codes, sessions, tokens), and only
  // then entries without a lifetime: registered clients, which a developer expects to keep.
  #evict(): void {
    const target = Math.floor(this.#maxEntries * 0.9);
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.delete(key);
    // Map iteration follows insertion order, so the first keys are the oldest.
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= target) return;
      if (Number.isFinite(entry.expiresAt)) this.delete(key);
    }
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= target) return;
      this.delete(key);
    }
  }
}

class MemoryAdapter implements Adapter {
  readonly #model: string;
  readonly #store: MemoryStore;

  constructor(model: string, store: MemoryStore) {
    this.#model = model;
    this.#store = store;
  }

  #key(id: string): string {
    return `${this.#model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.#store.set(this.#model, this.#key(id), payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#store.get(this.#key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const key = this.#store.sessionKeyByUid(uid);
    return key === undefined ? undefined : this.#store.get(key);
  }

  async findByUserCode(): Promise<undefined> {
    // The device flow is not enabled, so there are no user codes to look up.
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.#store.get(this.#key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.#store.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.#store.revokeGrant(grantId);
  }
}
