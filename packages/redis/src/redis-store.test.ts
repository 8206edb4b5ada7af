// createRedisStore against a real redis-server: key prefixes, options checked at call time, and what
// happens when Redis goes away (killed, frozen, not there yet): every command settles within its
// bound, the outage is one clear log line, nothing crashes, and the store works again once Redis is back.
import type { Logger } from '@mcp-warden/core';
import { createClient } from '@redis/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RedisServer, startRedisServer, TEST_TLS_CERTIFICATE } from './__fixtures__/redis-server.js';
import { createRedisStore, type RedisStore } from './redis-store.js';
import { RedisStoreError } from './redis-store-error.js';
import { redactRedisUrl, redisUrlProblem } from './redis-url.js';

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

function recordingLogger(): Logger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (fields: object, message?: string): void => {
      lines.push({ level, fields: fields as Record<string, unknown>, message });
    };
  return {
    lines,
    text: () => JSON.stringify(lines),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function server(options?: Parameters<typeof startRedisServer>[0]): Promise<RedisServer> {
  const redis = await startRedisServer(options);
  cleanup.push(() => redis.stop());
  return redis;
}

/** A store closed after the test; commands bounded generously unless the test is about the bound (a loaded machine is slow). */
function store(options: Parameters<typeof createRedisStore>[0]): RedisStore {
  const created = createRedisStore({ commandTimeoutMs: 10_000, ...options });
  cleanup.push(() => created.close());
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<RedisStoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedisStoreError);
  return error as RedisStoreError;
}

describe('options', () => {
  it('refuses at call time what cannot work, naming the option and never the URL', () => {
    expect(() => createRedisStore({})).toThrow(/give either url or client/);
    expect(() => createRedisStore({ url: 'redis://a', client: { sendCommand: async () => null } })).toThrow(
      /either url or client/,
    );
    expect(() => createRedisStore({ url: 'http://user:hunter2@cache:6379' })).toThrow(/url must be a redis:\/\//);
    expect(() => createRedisStore({ url: 'http://user:hunter2@cache:6379' })).not.toThrow(/hunter2/);
    expect(() => createRedisStore({ url: 'redis://cache', commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    expect(() => createRedisStore({ url: 'redis://cache', maxReconnectDelayMs: Number.NaN })).toThrow(
      /maxReconnectDelayMs/,
    );
  });

  it('redisUrlProblem accepts redis:// and rediss:// URLs only', () => {
    expect(redisUrlProblem('redis://localhost:6379')).toBeUndefined();
    expect(redisUrlProblem('rediss://:pw@cache.example.com:6380/2')).toBeUndefined();
    expect(redisUrlProblem('localhost:6379')).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(redisUrlProblem('https://cache.example.com')).toMatch(/starts with https:\/\//);
    expect(redisUrlProblem('redis://cache/not-a-number')).toMatch(/database number/);
    expect(redisUrlProblem('not a url')).toMatch(/not an absolute URL/);
  });

  it('redactRedisUrl keeps host, port and database, never the credentials', () => {
    expect(redactRedisUrl('rediss://app:s3cret@cache.example.com:6380/2')).toBe('rediss://cache.example.com:6380/2');
    expect(redactRedisUrl('redis://:s3cret@localhost')).toBe('redis://localhost:6379');
  });
});

describe('with a running Redis', () => {
  it('puts every key under its prefix: two prefixes on one Redis never see each other', async () => {
    const redis = await server();
    const a = store({ url: redis.url, keyPrefix: 'tenant-a:' });
    const b = store({ url: redis.url, keyPrefix: 'tenant-b:' });
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    expect(await a.setIfAbsent('dpop-jti:1', 'x', 60_000)).toBe(true);
    expect(await b.setIfAbsent('dpop-jti:1', 'y', 60_000)).toBe(true);
    expect(await a.get('dpop-jti:1')).toBe('x');
    expect(await b.get('dpop-jti:1')).toBe('y');

    const raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
    cleanup.push(() => raw.close());
    expect((await raw.sendCommand(['KEYS', '*'])) as string[]).toEqual(
      expect.arrayContaining(['tenant-a:dpop-jti:1', 'tenant-b:dpop-jti:1']),
    );
    // The lifetime is Redis' own expiry (PX), bounded by the one asked for.
    const pttl = Number(await raw.sendCommand(['PTTL', 'tenant-a:dpop-jti:1']));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(a.location).toBe(`redis://127.0.0.1:${redis.port}`);
  });

  it('uses a client it was given, and leaves it open on close', async () => {
    const redis = await server();
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    cleanup.push(() => client.close());
    const given = createRedisStore({ client, keyPrefix: 'given:' });
    expect(await given.ready()).toBe(true);
    expect(await given.setIfAbsent('k', 'v', 60_000)).toBe(true);
    expect(await client.sendCommand(['GET', 'given:k'])).toBe('v');
    await given.close();
    expect(client.isReady).toBe(true);
    expect((await rejection(given.get('k'))).code).toBe('ERR_STORE_CLOSED');
  });

  it('logs where Redis is, never the password of its URL', async () => {
    const password = 'correct-horse-battery-staple';
    const redis = await server({ password });
    const logger = recordingLogger();
    const secured = store({ url: redis.url, logger });
    expect(await secured.ready()).toBe(true);
    expect(await secured.setIfAbsent('k', 'v', 60_000)).toBe(true);
    await redis.kill();
    expect((await rejection(secured.get('k'))).message).not.toContain(password);
    await vi.waitFor(() => expect(logger.lines.some((line) => line.level === 'warn')).toBe(true), { timeout: 20_000 });
    expect(logger.text()).toContain(`redis://127.0.0.1:${redis.port}`);
    expect(logger.text()).not.toContain(password);
    expect(secured.location).not.toContain(password);
  });

  it('speaks TLS to a rediss:// URL, trusting the certificate authority it is given, and refuses one it cannot verify', async () => {
    const redis = await server({ tls: true });
    expect(redis.url.startsWith('rediss://')).toBe(true);
    const secure = store({ url: redis.url, tls: { ca: TEST_TLS_CERTIFICATE } });
    expect(await secure.ready(20_000)).toBe(true);
    expect(await secure.setIfAbsent('over-tls', 'v', 60_000)).toBe(true);
    expect(await secure.get('over-tls')).toBe('v');

    const logger = recordingLogger();
    const untrusted = store({ url: redis.url, logger });
    expect(await untrusted.ready(1000)).toBe(false);
    expect((await rejection(untrusted.get('over-tls'))).code).toBe('ERR_STORE_UNAVAILABLE');
    await vi.waitFor(() => expect(logger.text()).toMatch(/self.signed certificate/i), { timeout: 20_000 });
  });

  it('a wrong password: not ready, commands fail, one warning naming the cause and never the password, no crash', async () => {
    const redis = await server({ password: 'the-right-one' });
    const logger = recordingLogger();
    const url = redis.url.replace('the-right-one', 'a-wrong-one');
    const refused = store({ url, logger, maxReconnectDelayMs: 200 });
    expect(await refused.ready(1500)).toBe(false);
    expect((await rejection(refused.get('k'))).code).toBe('ERR_STORE_UNAVAILABLE');
    await vi.waitFor(() => expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1), {
      timeout: 20_000,
    });
    expect(logger.text()).toMatch(/WRONGPASS|invalid.*password/i);
    expect(logger.text()).not.toContain('a-wrong-one');
  });

  it('closes idempotently; commands after close fail with ERR_STORE_CLOSED', async () => {
    const redis = await server();
    const closing = createRedisStore({ url: redis.url });
    expect(await closing.ready()).toBe(true);
    await closing.close();
    await closing.close();
    expect((await rejection(closing.setIfAbsent('k', 'v', 1000))).code).toBe('ERR_STORE_CLOSED');
    expect(await closing.ready(100)).toBe(false);
  });
});

describe('when Redis goes away', () => {
  it('killed mid-run: commands fail at once, one warning, no crash; back on the same port, the store works again', async () => {
    const redis = await server();
    const logger = recordingLogger();
    const outage = store({ url: redis.url, logger, maxReconnectDelayMs: 200 });
    expect(await outage.ready()).toBe(true);
    expect(await outage.setIfAbsent('before', 'v', 60_000)).toBe(true);

    await redis.kill();
    await vi.waitFor(async () => expect((await rejection(outage.get('before'))).code).toBe('ERR_STORE_UNAVAILABLE'), {
      timeout: 20_000,
    });
    // Many commands while down: each fails (never queued), none hangs.
    const failures = await Promise.all(Array.from({ length: 50 }, () => rejection(outage.setIfAbsent('x', 'v', 1000))));
    expect(new Set(failures.map((error) => error.code))).toEqual(new Set(['ERR_STORE_UNAVAILABLE']));

    // Reconnection attempts go on (several failed ones by now, at most 200 ms apart): one warning.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/Redis unreachable/);
    expect(warnings[0]!.fields.redis).toBe(`redis://127.0.0.1:${redis.port}`);

    await redis.restart();
    await vi.waitFor(async () => expect(await outage.setIfAbsent('after', 'v', 60_000)).toBe(true), {
      timeout: 20_000,
      interval: 100,
    });
    // A new Redis process, empty: the old key is gone (documented in docs/scaling.md).
    expect(await outage.get('before')).toBeUndefined();
    expect(logger.lines.some((line) => line.level === 'info' && line.message === 'Redis reachable again')).toBe(true);
  });

  it('frozen (accepts, never answers): every command fails with ERR_STORE_TIMEOUT; it answers again once thawed', async () => {
    const redis = await server();
    const hung = store({ url: redis.url, commandTimeoutMs: 300 });
    expect(await hung.ready()).toBe(true);
    redis.freeze();
    try {
      const errors = await Promise.all([
        rejection(hung.get('k')),
        rejection(hung.setIfAbsent('k', 'v', 1000)),
        rejection(hung.set('k', 'v', 1000)),
      ]);
      expect(errors.map((error) => error.code)).toEqual([
        'ERR_STORE_TIMEOUT',
        'ERR_STORE_TIMEOUT',
        'ERR_STORE_TIMEOUT',
      ]);
      expect(errors[0]!.message).toContain('did not answer within 300 ms');
    } finally {
      redis.thaw();
    }
    await vi.waitFor(async () => expect(await hung.setIfAbsent('thawed', 'v', 60_000)).toBe(true), {
      timeout: 20_000,
      interval: 100,
    });
  });

  it('frozen under load: at most maxPendingCommands wait (each until its timeout), the others fail at once', async () => {
    const redis = await server();
    const hung = store({ url: redis.url, commandTimeoutMs: 2000, maxPendingCommands: 5 });
    expect(await hung.ready()).toBe(true);
    redis.freeze();
    try {
      const errors = await Promise.all(Array.from({ length: 12 }, (_, i) => rejection(hung.get(`k${i}`))));
      const codes = errors.map((error) => error.code);
      expect(codes.filter((code) => code === 'ERR_STORE_TIMEOUT')).toHaveLength(5);
      expect(codes.filter((code) => code === 'ERR_STORE_UNAVAILABLE')).toHaveLength(7);
      expect(errors.find((error) => error.code === 'ERR_STORE_UNAVAILABLE')!.message).toContain(
        'has 5 commands waiting already (maxPendingCommands)',
      );
    } finally {
      redis.thaw();
    }
  });

  it('not there at start: ready() says so, commands fail, and it connects once Redis starts', async () => {
    const redis = await server();
    await redis.kill();
    const logger = recordingLogger();
    const early = store({ url: redis.url, logger, maxReconnectDelayMs: 200 });
    expect(await early.ready(300)).toBe(false);
    expect((await rejection(early.get('k'))).code).toBe('ERR_STORE_UNAVAILABLE');
    await redis.restart();
    expect(await early.ready(20_000)).toBe(true);
    expect(await early.setIfAbsent('k', 'v', 60_000)).toBe(true);
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });
});
