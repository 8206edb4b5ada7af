/**
 * Introspection answers shared by every instance through the `SharedStore` (RFC 7662 §4: the
 * resource server may cache an answer; several instances behind one load balancer should make one
 * introspection call per token between them, not one each).
 *
 * - The in-process verified-token cache stays the first level; this is the second, asked only
 *   when that one misses (and once per token per instance at a time: the authenticator shares a
 *   verification in flight).
 * - The key is `introspection:` and the token's SHA-256 digest: the token itself is never stored.
 *   The value is the verified result (client id, scopes, expiry, identity and claims) with the
 *   resource it was verified for; an entry written for another resource is ignored.
 * - The lifetime is the one the in-process cache would give the answer: never past the token's
 *   `exp`, never longer than the configured maximum age (`MCP_OAUTH_INTROSPECTION_CACHE_MAX_AGE`),
 *   so a revocation takes effect within it on every instance.
 * - A store that fails (down, slow, unreachable) only costs the sharing: the token is introspected
 *   as without a store, and the failure is logged at warn level once per incident, never per
 *   request (docs/scaling.md).
 *
 * @module
 */

import { createAuthInfo } from '../authenticate/auth-info.js';
import type { AuthInfo } from '../authenticate/authenticator-types.js';
import type { Logger } from '../logging/logger.js';
import type { SharedStore } from '../store/shared-store.js';
import { credentialStoreKey } from '../store/store-key.js';
import type { IntrospectedToken } from './introspection-verifier.js';

/** Options of {@link withSharedIntrospectionCache}. */
export interface SharedIntrospectionCacheOptions {
  store: SharedStore;
  /** The resource the answers are verified for (entries of another resource are ignored). */
  resourceUrl: string;
  logger: Logger;
}

/** What is stored: the verified result without the token, and until when it may be reused. */
interface StoredAnswer {
  v: 1;
  resource: string;
  cacheUntil: number;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  extra: NonNullable<AuthInfo['extra']>;
}

const KEY_NAMESPACE = 'introspection';
/** A failing store is reported once per window: incidents, not requests. */
const WARN_INTERVAL_MS = 30_000;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The stored answer, or undefined for anything that is not one this resource wrote. */
function parseStored(raw: string, resourceUrl: string): StoredAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const stored = value as Partial<StoredAnswer>;
  if (stored.v !== 1 || stored.resource !== resourceUrl) return undefined;
  if (typeof stored.cacheUntil !== 'number' || typeof stored.clientId !== 'string') return undefined;
  if (!isStringArray(stored.scopes)) return undefined;
  if (stored.expiresAt !== undefined && typeof stored.expiresAt !== 'number') return undefined;
  const extra = stored.extra;
  if (typeof extra !== 'object' || extra === null || extra.method !== 'introspection') return undefined;
  return stored as StoredAnswer;
}

/**
 * Wraps an introspection function so its answers go through the shared store.
 *
 * @example
 * ```ts
 * const introspect = withSharedIntrospectionCache(createIntrospectionVerifier(options), {
 *   store,
 *   resourceUrl: config.resourceUrl,
 *   logger,
 * });
 * ```
 */
export function withSharedIntrospectionCache(
  introspect: (token: string) => Promise<IntrospectedToken>,
  options: SharedIntrospectionCacheOptions,
): (token: string) => Promise<IntrospectedToken> {
  const { store, resourceUrl, logger } = options;
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let failing = false;

  function storeFailed(operation: 'get' | 'set', error: unknown): void {
    failing = true;
    const now = Date.now();
    if (now - lastWarnAt < WARN_INTERVAL_MS) return;
    lastWarnAt = now;
    logger.warn(
      { operation, cause: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
      'shared store unavailable: introspecting without the shared cache (each instance asks the authorization server itself until the store is back)',
    );
  }

  function storeAnswered(): void {
    if (!failing) return;
    failing = false;
    logger.info({}, 'shared store available again: introspection answers are shared between instances again');
  }

  async function read(key: string, token: string): Promise<IntrospectedToken | undefined> {
    let raw: string | undefined;
    try {
      raw = await store.get(key);
    } catch (error) {
      storeFailed('get', error);
      return undefined;
    }
    storeAnswered();
    if (raw === undefined) return undefined;
    const stored = parseStored(raw, resourceUrl);
    if (stored === undefined || stored.cacheUntil <= Date.now() / 1000) return undefined;
    const extra = Object.freeze({
      ...stored.extra,
      ...(typeof stored.extra.claims === 'object' && stored.extra.claims !== null
        ? { claims: Object.freeze({ ...stored.extra.claims }) }
        : {}),
    });
    const authInfo = createAuthInfo(
      {
        token,
        clientId: stored.clientId,
        scopes: Object.freeze([...stored.scopes]) as string[],
        ...(stored.expiresAt === undefined ? {} : { expiresAt: stored.expiresAt }),
        extra,
      },
      resourceUrl,
    );
    return { authInfo, cacheUntil: stored.cacheUntil };
  }

  async function write(key: string, result: IntrospectedToken): Promise<void> {
    const cacheUntil = result.cacheUntil;
    if (cacheUntil === undefined) return;
    const ttlMs = Math.floor((cacheUntil - Date.now() / 1000) * 1000);
    if (ttlMs <= 0) return;
    const { authInfo } = result;
    const stored: StoredAnswer = {
      v: 1,
      resource: resourceUrl,
      cacheUntil,
      clientId: authInfo.clientId,
      scopes: authInfo.scopes,
      ...(authInfo.expiresAt === undefined ? {} : { expiresAt: authInfo.expiresAt }),
      extra: authInfo.extra ?? { method: 'introspection' },
    };
    try {
      await store.set(key, JSON.stringify(stored), ttlMs);
      storeAnswered();
    } catch (error) {
      storeFailed('set', error);
    }
  }

  return async function introspectThroughStore(token: string): Promise<IntrospectedToken> {
    const key = await credentialStoreKey(KEY_NAMESPACE, token);
    const shared = await read(key, token);
    if (shared !== undefined) return shared;
    const result = await introspect(token);
    // Written before the answer goes back, so the next instance asked for this token finds it.
    await write(key, result);
    return result;
  };
}
