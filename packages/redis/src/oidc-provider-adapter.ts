/**
 * An oidc-provider storage adapter in Redis, so several instances of an authorization server built
 * on oidc-provider (`@mcp-warden/authorization-server`) share registered clients, sign-in
 * interactions, sessions, grants, codes and tokens: a browser or an MCP client may reach any
 * instance at each step. Each model instance is one JSON string with the model's lifetime; a
 * session is also findable by its `uid`, and every token of a grant is listed under the grant so
 * revoking it (RFC 7009, or a reused refresh token) removes them all.
 *
 * @module
 */
import type { RedisStore } from './redis-store.js';

/** The payload oidc-provider stores (structurally its `AdapterPayload`). */
export type OidcPayload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: unknown;
};

/** The adapter interface of oidc-provider (structurally its `Adapter`). */
export interface OidcProviderAdapter {
  upsert(id: string, payload: OidcPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** Options of {@link createOidcProviderAdapter}. */
export interface OidcProviderAdapterOptions {
  /** Put before every key. Default `mcp-warden:oidc:`; give each authorization server its own. */
  keyPrefix?: string;
}

// Models whose instances belong to a grant: revoking the grant removes them.
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);
// A model without a lifetime (registered clients) is kept this long at most: storage stays bounded.
const DEFAULT_TTL_SECONDS = 365 * 24 * 60 * 60;

function decode(reply: unknown): OidcPayload | undefined {
  if (reply === null || reply === undefined) return undefined;
  const text =
    typeof reply === 'string' ? reply : reply instanceof Uint8Array ? new TextDecoder().decode(reply) : undefined;
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as OidcPayload) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The adapter factory to give oidc-provider's `adapter` setting (or
 * `createAuthorizationServer({ adapter })`), on a {@link RedisStore}'s connection.
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: process.env.MCP_REDIS_URL });
 * const adapter = createOidcProviderAdapter(store, { keyPrefix: 'mcp-warden:oidc:prod:' });
 * ```
 */
export function createOidcProviderAdapter(
  store: Pick<RedisStore, 'command'>,
  options: OidcProviderAdapterOptions = {},
): (model: string) => OidcProviderAdapter {
  const prefix = options.keyPrefix ?? 'mcp-warden:oidc:';
  const grantKey = (grantId: string) => `${prefix}Grant-members:${grantId}`;
  return (model) => {
    const key = (id: string) => `${prefix}${model}:${id}`;
    const uidKey = (uid: string) => `${prefix}${model}:uid:${uid}`;
    const userCodeKey = (code: string) => `${prefix}${model}:userCode:${code}`;
    const find = async (id: string) => decode(await store.command(['GET', key(id)]));
    const findVia = async (indexKey: string) => {
      const id = await store.command(['GET', indexKey]);
      return typeof id === 'string' ? find(id) : undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const seconds = String(Math.max(1, Math.ceil(expiresIn ?? DEFAULT_TTL_SECONDS)));
        await store.command(['SET', key(id), JSON.stringify(payload), 'EX', seconds]);
        if (model === 'Session' && typeof payload.uid === 'string') {
          await store.command(['SET', uidKey(payload.uid), id, 'EX', seconds]);
        }
        if (typeof payload.userCode === 'string') {
          await store.command(['SET', userCodeKey(payload.userCode), id, 'EX', seconds]);
        }
        if (GRANT_BOUND.has(model) && typeof payload.grantId === 'string') {
          await store.command(['SADD', grantKey(payload.grantId), key(id)]);
          // The list lives as long as its longest-lived member (GT: never shortened).
          await store.command(['EXPIRE', grantKey(payload.grantId), seconds, 'GT']);
          await store.command(['EXPIRE', grantKey(payload.grantId), seconds, 'NX']);
        }
      },
      find,
      findByUid: (uid) => findVia(uidKey(uid)),
      findByUserCode: (userCode) => findVia(userCodeKey(userCode)),
      async consume(id) {
        const payload = await find(id);
        if (!payload) return;
        payload.consumed = Math.floor(Date.now() / 1000);
        await store.command(['SET', key(id), JSON.stringify(payload), 'KEEPTTL', 'XX']);
      },
      async destroy(id) {
        await store.command(['DEL', key(id)]);
      },
      async revokeByGrantId(grantId) {
        const members = await store.command(['SMEMBERS', grantKey(grantId)]);
        const keys = Array.isArray(members)
          ? members.filter((member): member is string => typeof member === 'string')
          : [];
        await store.command(['DEL', grantKey(grantId), ...keys]);
      },
    };
  };
}
