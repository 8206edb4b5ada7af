// The SharedStore contract (packages/core/src/store/shared-store.ts), one suite run against the
// in-memory default and against a real redis-server: whatever the deployment picks, a replay check
// (RFC 9449 §11.1) and a shared cache (RFC 7662 §4) behave the same.
import { createMemoryStore, type SharedStore } from '@mcp-warden/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, startRedisServer } from './__fixtures__/redis-server.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

let redis: RedisServer;
const redisStores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(redisStores.map((store) => store.close()));
  await redis?.stop();
});

/** Each test gets a store of its own over the same server: a fresh key prefix, nothing shared by accident. */
let prefixes = 0;
async function redisStore(): Promise<SharedStore> {
  // A generous bound: the contract is about answers, and a loaded test machine may be slow to give them.
  const store = createRedisStore({ url: redis.url, keyPrefix: `contract-${++prefixes}:`, commandTimeoutMs: 10_000 });
  redisStores.push(store);
  expect(await store.ready(20_000)).toBe(true);
  return store;
}

describe.each([
  ['createMemoryStore', async () => createMemoryStore()],
  ['createRedisStore', redisStore],
] as const)('SharedStore contract: %s', (_name, makeStore) => {
  it('setIfAbsent stores a new key and refuses it while it lives', async () => {
    const store = await makeStore();
    expect(await store.setIfAbsent('jti:a', 'first', 60_000)).toBe(true);
    expect(await store.setIfAbsent('jti:a', 'second', 60_000)).toBe(false);
    expect(await store.get('jti:a')).toBe('first');
    expect(await store.setIfAbsent('jti:b', 'other', 60_000)).toBe(true);
  });

  it('setIfAbsent is atomic: of 200 concurrent calls with one key, exactly one wins', async () => {
    const store = await makeStore();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.setIfAbsent('jti:race', `caller-${i}`, 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.get('jti:race')).toBe(`caller-${winner}`);
  });

  it('get answers undefined for a key never stored', async () => {
    const store = await makeStore();
    expect(await store.get('never-stored')).toBeUndefined();
  });

  it('set stores and replaces a value', async () => {
    const store = await makeStore();
    await store.set('introspection:x', '{"v":1}', 60_000);
    expect(await store.get('introspection:x')).toBe('{"v":1}');
    await store.set('introspection:x', '{"v":2}', 60_000);
    expect(await store.get('introspection:x')).toBe('{"v":2}');
  });

  it('keeps values byte for byte (JSON, non-ASCII text)', async () => {
    const store = await makeStore();
    const value = JSON.stringify({ sub: 'Zoë 👩‍💻', scopes: ['mcp:tools'], n: 1.5 });
    await store.set('k', value, 60_000);
    expect(await store.get('k')).toBe(value);
  });

  it('forgets a key once its lifetime has passed: it can then be stored again', async () => {
    const store = await makeStore();
    expect(await store.setIfAbsent('jti:short', 'v', 150)).toBe(true);
    await store.set('cache:short', 'v', 150);
    await vi.waitFor(
      async () => {
        expect(await store.get('jti:short')).toBeUndefined();
        expect(await store.get('cache:short')).toBeUndefined();
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(await store.setIfAbsent('jti:short', 'again', 60_000)).toBe(true);
    expect(await store.get('jti:short')).toBe('again');
  });

  it('set gives a key a new lifetime: a long-lived key made short expires', async () => {
    const store = await makeStore();
    await store.set('k', 'long', 60_000);
    await store.set('k', 'short', 150);
    await vi.waitFor(async () => expect(await store.get('k')).toBeUndefined(), { timeout: 20_000, interval: 50 });
  });
});
