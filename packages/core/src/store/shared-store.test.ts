import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './shared-store.js';

describe('createMemoryStore', () => {
  it('stores a key once: a second setIfAbsent before expiry is refused', async () => {
    const store = createMemoryStore();
    expect(await store.setIfAbsent('jti:a', '1', 60_000)).toBe(true);
    expect(await store.setIfAbsent('jti:a', '2', 60_000)).toBe(false);
    expect(await store.get('jti:a')).toBe('1');
  });

  it('forgets a key once it expires', async () => {
    let clock = 1_000;
    const store = createMemoryStore({ now: () => clock });
    await store.set('k', 'v', 500);
    expect(await store.get('k')).toBe('v');
    clock += 500;
    expect(await store.get('k')).toBeUndefined();
    expect(await store.setIfAbsent('k', 'w', 500)).toBe(true);
  });

  it('is bounded: when full of live entries it drops those closest to expiry', async () => {
    const store = createMemoryStore({ maxEntries: 10, now: () => 0 });
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, String(i), 1_000 + i);
    await store.set('late', 'x', 10_000);
    expect(await store.get('k0')).toBeUndefined();
    expect(await store.get('k1')).toBe('1');
    expect(await store.get('late')).toBe('x');
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
