import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from './__fixtures__/redis-server.js';
import { createOidcProviderAdapter } from './oidc-provider-adapter.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

let redis: RedisServer;
let store: RedisStore;
let other: RedisStore;

beforeAll(async () => {
  redis = await startRedisServer();
  store = createRedisStore({ url: redis.url });
  other = createRedisStore({ url: redis.url });
  expect(await store.ready()).toBe(true);
  expect(await other.ready()).toBe(true);
});
afterAll(async () => {
  await store?.close();
  await other?.close();
  await redis?.kill();
});

describe('oidc-provider adapter in Redis', () => {
  it('shares what one instance stores with another, with its lifetime', async () => {
    const one = createOidcProviderAdapter(store)('Client');
    const two = createOidcProviderAdapter(other)('Client');
    await one.upsert('client-1', { client_id: 'client-1', redirect_uris: ['http://127.0.0.1/cb'] });
    expect(await two.find('client-1')).toEqual({ client_id: 'client-1', redirect_uris: ['http://127.0.0.1/cb'] });
    await one.upsert('short', { a: 1 }, 60);
    const ttl = (await store.command(['TTL', 'mcp-warden:oidc:Client:short'])) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    await two.destroy('client-1');
    expect(await one.find('client-1')).toBeUndefined();
  });

  it('finds sessions by uid and marks a code consumed, keeping its lifetime', async () => {
    const sessions = createOidcProviderAdapter(store)('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'github|1' }, 300);
    expect(await createOidcProviderAdapter(other)('Session').findByUid('u1')).toMatchObject({ accountId: 'github|1' });
    const codes = createOidcProviderAdapter(store)('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    await createOidcProviderAdapter(other)('AuthorizationCode').consume('c1');
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
    expect((await store.command(['TTL', 'mcp-warden:oidc:AuthorizationCode:c1'])) as number).toBeGreaterThan(0);
  });

  it('revoking a grant removes every token of it, whichever instance stored them', async () => {
    const access = createOidcProviderAdapter(store)('AccessToken');
    const refresh = createOidcProviderAdapter(other)('RefreshToken');
    await access.upsert('at1', { grantId: 'g2' }, 3600);
    await refresh.upsert('rt1', { grantId: 'g2' }, 86_400);
    await access.upsert('at-other', { grantId: 'g3' }, 3600);
    await createOidcProviderAdapter(store)('RefreshToken').revokeByGrantId('g2');
    expect(await access.find('at1')).toBeUndefined();
    expect(await refresh.find('rt1')).toBeUndefined();
    expect(await access.find('at-other')).toEqual({ grantId: 'g3' });
  });
});
