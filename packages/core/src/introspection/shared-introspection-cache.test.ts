// Introspection answers shared through the SharedStore (RFC 7662 §4): two authenticators standing
// for two instances, one store between them, a real local introspection endpoint counting calls.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESOURCE } from '../__fixtures__/signing-keys.js';
import type { Authenticator, AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import type { WardenOptions } from '../config/config-schema.js';
import type { Logger } from '../logging/logger.js';
import { createMemoryStore, type SharedStore } from '../store/shared-store.js';

let server: Server;
let endpoint: string;
let calls: string[];
let answers: Record<string, unknown>;
const authenticators: Authenticator[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const token = new URLSearchParams(await readBody(req)).get('token') ?? '';
    calls.push(token);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answers[token] ?? { active: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
});
beforeEach(() => {
  calls = [];
  const exp = Math.floor(Date.now() / 1000) + 300;
  answers = {
    'opaque-good': {
      active: true,
      scope: 'mcp:read mcp:write',
      client_id: 'c1',
      sub: 'u1',
      iss: 'https://as.example.com',
      exp,
      aud: RESOURCE,
    },
    'opaque-short': { active: true, client_id: 'c2', exp: Math.floor(Date.now() / 1000) + 20, aud: RESOURCE },
  };
});
afterEach(async () => {
  await Promise.all(authenticators.splice(0).map((authenticator) => authenticator.close()));
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

/** One "instance": its own authenticator (and in-process cache) over the shared store. */
async function instance(store: SharedStore, logger?: Logger, options: WardenOptions = {}): Promise<Authenticator> {
  const authenticator = await createAuthenticator(
    {
      resourceUrl: RESOURCE,
      oauthIntrospectionEndpoint: endpoint,
      oauthClientId: 'rs',
      oauthClientSecret: 'secret',
      ...options,
    },
    { store, ...(logger ? { logger } : {}) },
  );
  authenticators.push(authenticator);
  return authenticator;
}

function check(auth: Authenticator, token: string): Promise<AuthResult> {
  return auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
}

function authInfoOf(result: AuthResult) {
  if (result.outcome !== 'authenticated') throw new Error(`not authenticated: ${JSON.stringify(result)}`);
  return result.authInfo;
}

/** A store that records what it is asked, and can be made to fail. */
function recordingStore(inner: SharedStore = createMemoryStore()) {
  const writes: { key: string; value: string; ttlMs: number }[] = [];
  const reads: string[] = [];
  let failing = false;
  const store: SharedStore = {
    async setIfAbsent(key, value, ttlMs) {
      if (failing) throw new Error('store down');
      return inner.setIfAbsent(key, value, ttlMs);
    },
    async get(key) {
      reads.push(key);
      if (failing) throw new Error('store down');
      return inner.get(key);
    },
    async set(key, value, ttlMs) {
      if (failing) throw new Error('store down');
      writes.push({ key, value, ttlMs });
      return inner.set(key, value, ttlMs);
    },
  };
  return {
    store,
    writes,
    reads,
    fail(on: boolean) {
      failing = on;
    },
  };
}

function capture(): { lines: { level: string; message: string | undefined }[]; logger: Logger } {
  const lines: { level: string; message: string | undefined }[] = [];
  const at = (level: string) => (_fields: object, message?: string) => lines.push({ level, message });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('introspection answers shared through the store', () => {
  it('two instances make one introspection call for a token, and both see the same caller', async () => {
    const { store } = recordingStore();
    const a = await instance(store);
    const b = await instance(store);
    const first = authInfoOf(await check(a, 'opaque-good'));
    const second = authInfoOf(await check(b, 'opaque-good'));
    expect(calls).toEqual(['opaque-good']);
    expect(second).toEqual(first);
    expect(second).toMatchObject({
      token: 'opaque-good',
      clientId: 'c1',
      scopes: ['mcp:read', 'mcp:write'],
      extra: { method: 'introspection', subject: 'u1', issuer: 'https://as.example.com', claims: { sub: 'u1' } },
    });
    expect(second.resource?.href).toBe(RESOURCE);
    // As frozen as an answer introspected in this process.
    expect(Object.isFrozen(second)).toBe(true);
    expect(Object.isFrozen(second.extra)).toBe(true);
    expect(Object.isFrozen(second.extra?.claims)).toBe(true);
    expect(Object.isFrozen(second.scopes)).toBe(true);
  });

  it('keys by the SHA-256 digest of the token and never stores the token itself', async () => {
    const recorded = recordingStore();
    const a = await instance(recorded.store);
    await check(a, 'opaque-good');
    expect(recorded.writes).toHaveLength(1);
    const [write] = recorded.writes;
    expect(write!.key).toMatch(/^introspection:[A-Za-z0-9_-]{43}$/);
    expect(write!.key).not.toContain('opaque-good');
    expect(write!.value).not.toContain('opaque-good');
    expect(recorded.reads).toEqual([write!.key]);
  });

  it('keeps an answer no longer than the configured maximum age, nor past the token expiry', async () => {
    const recorded = recordingStore();
    const a = await instance(recorded.store, undefined, { oauthIntrospectionCacheMaxAge: 30 });
    await check(a, 'opaque-good'); // exp in 300 s: the 30 s maximum age bounds it
    await check(a, 'opaque-short'); // exp in 20 s: the expiry bounds it
    const [long, short] = recorded.writes;
    expect(long!.ttlMs).toBeGreaterThan(0);
    expect(long!.ttlMs).toBeLessThanOrEqual(30_000);
    expect(short!.ttlMs).toBeGreaterThan(0);
    expect(short!.ttlMs).toBeLessThanOrEqual(20_000);
  });

  it('stores nothing when answers may not be cached (maximum age 0) or the token is not active', async () => {
    const recorded = recordingStore();
    const a = await instance(recorded.store, undefined, { oauthIntrospectionCacheMaxAge: 0 });
    await check(a, 'opaque-good');
    expect((await check(a, 'opaque-unknown')).outcome).toBe('rejected');
    expect(recorded.writes).toEqual([]);
  });

  it('ignores an entry written for another resource, or one that is not an answer', async () => {
    const recorded = recordingStore();
    const elsewhere = await instance(recorded.store, undefined, { resourceUrl: 'https://elsewhere.example.com/mcp' });
    answers['opaque-good'] = { ...(answers['opaque-good'] as object), aud: ['https://elsewhere.example.com/mcp'] };
    authInfoOf(await check(elsewhere, 'opaque-good'));
    const key = recorded.writes[0]!.key;

    answers['opaque-good'] = { ...(answers['opaque-good'] as object), aud: RESOURCE };
    const here = await instance(recorded.store);
    authInfoOf(await check(here, 'opaque-good'));
    expect(calls).toEqual(['opaque-good', 'opaque-good']);

    await recorded.store.set(key, 'not json', 60_000);
    const third = await instance(recorded.store);
    authInfoOf(await check(third, 'opaque-good'));
    expect(calls).toHaveLength(3);
  });

  it('a failing store: introspection still answers, one warning per incident, and sharing resumes when it is back', async () => {
    const recorded = recordingStore();
    const { lines, logger } = capture();
    const a = await instance(recorded.store, logger);
    const b = await instance(recorded.store, logger);
    recorded.fail(true);
    authInfoOf(await check(a, 'opaque-good'));
    authInfoOf(await check(b, 'opaque-good'));
    authInfoOf(await check(b, 'opaque-short'));
    expect(calls).toEqual(['opaque-good', 'opaque-good', 'opaque-short']);
    const warnings = lines.filter((line) => line.level === 'warn' && line.message?.startsWith('shared store'));
    // One per instance (each reports its own incident), not one per request.
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.message).toMatch(/introspecting without the shared cache/);

    recorded.fail(false);
    calls = [];
    const c = await instance(recorded.store, logger);
    authInfoOf(await check(a, 'opaque-good')); // a's own cache: no call
    answers['opaque-third'] = {
      active: true,
      client_id: 'c3',
      exp: Math.floor(Date.now() / 1000) + 300,
      aud: RESOURCE,
    };
    authInfoOf(await check(b, 'opaque-third'));
    authInfoOf(await check(c, 'opaque-third'));
    expect(calls).toEqual(['opaque-third']);
    expect(
      lines.some((line) => line.level === 'info' && line.message?.startsWith('shared store available again')),
    ).toBe(true);
  });
});
