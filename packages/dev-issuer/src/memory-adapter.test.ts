import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from './memory-adapter.js';

describe('MemoryStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stays within its bound and keeps registered clients over short-lived entries', async () => {
    const store = new MemoryStore(10);
    const adapter = store.adapterFactory();
    await adapter('Client').upsert('registered', { client_id: 'registered' });
    for (let i = 0; i < 30; i++) await adapter('AccessToken').upsert(`token-${i}`, { jti: `token-${i}` }, 3600);

    expect(await adapter('Client').find('registered')).toEqual({ client_id: 'registered' });
    const kept = [];
    for (let i = 0; i < 30; i++) if (await adapter('AccessToken').find(`token-${i}`)) kept.push(i);
    expect(kept.length).toBeLessThan(10);
    // The newest survive.
    expect(kept.at(-1)).toBe(29);
  });

  it('forgets entries once their lifetime is over', async () => {
    vi.useFakeTimers();
    const adapter = new MemoryStore().adapterFactory()('AuthorizationCode');
    await adapter.upsert('code', { jti: 'code' }, 60);
    expect(await adapter.find('code')).toBeDefined();
    vi.advanceTimersByTime(61_000);
    expect(await adapter.find('code')).toBeUndefined();
  });

  it('revokes every token of a grant, finds sessions by uid, and marks consumption', async () => {
    const store = new MemoryStore();
    const adapter = store.adapterFactory();
    await adapter('AccessToken').upsert('at', { jti: 'at', grantId: 'g1' }, 60);
    await adapter('RefreshToken').upsert('rt', { jti: 'rt', grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('other', { jti: 'other', grantId: 'g2' }, 60);
    await adapter('AccessToken').revokeByGrantId('g1');
    expect(await adapter('AccessToken').find('at')).toBeUndefined();
    expect(await adapter('RefreshToken').find('rt')).toBeUndefined();
    expect(await adapter('AccessToken').find('other')).toBeDefined();

    await adapter('Session').upsert('s1', { uid: 'u1', accountId: 'dev-user' }, 60);
    expect(await adapter('Session').findByUid('u1')).toMatchObject({ accountId: 'dev-user' });
    await adapter('Session').destroy('s1');
    expect(await adapter('Session').findByUid('u1')).toBeUndefined();

    await adapter('AuthorizationCode').upsert('c1', { jti: 'c1' }, 60);
    await adapter('AuthorizationCode').consume('c1');
    expect((await adapter('AuthorizationCode').find('c1'))?.consumed).toEqual(expect.any(Number));
  });
});
