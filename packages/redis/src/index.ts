/**
 * `@mcp-warden/redis`: the state every instance of a protected MCP server must share (DPoP proof
 * identifiers and nonces, RFC 9449; introspection results, RFC 7662), kept in Redis or Valkey.
 * Give the store to `createAuthenticator(config, { store })` of `@mcp-warden/core`.
 *
 * @module
 */

export type { OidcPayload, OidcProviderAdapter, OidcProviderAdapterOptions } from './oidc-provider-adapter.js';
export { createOidcProviderAdapter } from './oidc-provider-adapter.js';
export type { RedisCommandClient, RedisStore, RedisStoreOptions } from './redis-store.js';
export { createRedisStore } from './redis-store.js';
export type { RedisStoreErrorCode } from './redis-store-error.js';
export { RedisStoreError } from './redis-store-error.js';
export { redactRedisUrl, redisUrlProblem } from './redis-url.js';
