/**
 * The accounts this server knows: the identity each upstream sign-in vouched for, and the user's
 * upstream tokens, sealed (AES-256-GCM) so the storage never holds them in the clear. Kept in the
 * same storage as oidc-provider's own models, so instances sharing it share the accounts.
 *
 * @module
 */
import type { Adapter } from 'oidc-provider';
import { open, seal } from './secrets.js';
import type { UpstreamIdentity, UpstreamTokens } from './upstream.js';

/** The public part of an account: what goes into access tokens and `whoami`. */
export type AccountIdentity = Omit<UpstreamIdentity, 'organizations'>;

interface StoredAccount {
  identity: AccountIdentity;
  sealed: string;
}

// As long as the refresh tokens this server issues (issuer-core's ttl.RefreshToken): an MCP client
// refreshing its token keeps finding the user's upstream token.
const ACCOUNT_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Stores and finds accounts in model `UpstreamAccount` of the storage adapter. */
export class AccountStore {
  readonly #adapter: Adapter;
  readonly #key: Buffer;

  constructor(adapterFactory: (model: string) => Adapter, key: Buffer) {
    this.#adapter = adapterFactory('UpstreamAccount');
    this.#key = key;
  }

  async save(identity: UpstreamIdentity, tokens: UpstreamTokens): Promise<void> {
    const { organizations: _organizations, ...publicIdentity } = identity;
    const record: StoredAccount = {
      identity: publicIdentity,
      sealed: seal(this.#key, JSON.stringify(tokens), identity.sub),
    };
    await this.#adapter.upsert(identity.sub, record as never, ACCOUNT_TTL_SECONDS);
  }

  async identity(sub: string): Promise<AccountIdentity | undefined> {
    const record = (await this.#adapter.find(sub)) as unknown as StoredAccount | undefined;
    return record?.identity;
  }

  async tokens(sub: string): Promise<UpstreamTokens | undefined> {
    const record = (await this.#adapter.find(sub)) as unknown as StoredAccount | undefined;
    if (!record) return undefined;
    const plain = open(this.#key, record.sealed, sub);
    return plain === undefined ? undefined : (JSON.parse(plain) as UpstreamTokens);
  }

  async updateTokens(sub: string, tokens: UpstreamTokens): Promise<void> {
    const identity = await this.identity(sub);
    if (identity) await this.save({ ...identity, organizations: undefined }, tokens);
  }
}
