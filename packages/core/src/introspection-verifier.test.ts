// R17: opaque tokens checked with RFC 7662 introspection against a real local endpoint.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESOURCE } from './__fixtures__/signing-keys.js';
import type { Authenticator, AuthResult } from './authenticator-types.js';
import type { WardenOptions } from './config-schema.js';
import { createAuthenticator } from './create-authenticator.js';

let server: Server;
let base: string;
let calls: { token: string | null; authorization: string | undefined }[];
let answers: Record<string, unknown>;
let failing: boolean;
let delayMs: number;
let authenticator: Authenticator | undefined;

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    const token = form.get('token');
    calls.push({ token, authorization: req.headers.authorization });
    const answer = () => {
      if (failing) {
        res.statusCode = 500;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answers[token ?? ''] ?? { active: false }));
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  calls = [];
  failing = false;
  delayMs = 0;
  const exp = Math.floor(Date.now() / 1000) + 300;
  answers = {
    'opaque-good': { active: true, scope: 'mcp:read', client_id: 'c1', sub: 'u1', exp, aud: RESOURCE },
    'opaque-other-audience': { active: true, exp, aud: 'https://elsewhere.example.com' },
    'opaque-expired': { active: true, exp: exp - 1000 },
  };
});
afterEach(async () => {
  await authenticator?.close();
  authenticator = undefined;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

async function start(options: WardenOptions = {}): Promise<Authenticator> {
  authenticator = await createAuthenticator({
    resourceUrl: RESOURCE,
    oauthIntrospectionEndpoint: `${base}/introspect`,
    oauthClientId: 'resource server',
    oauthClientSecret: 's3cret:x',
    ...options,
  });
  return authenticator;
}

function check(auth: Authenticator, token: string): Promise<AuthResult> {
  return auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
}

describe('token introspection (R17)', () => {
  it('accepts an active token with its scopes and client, authenticating as the resource server', async () => {
    const result = await check(await start(), 'opaque-good');
    expect(result).toMatchObject({
      outcome: 'authenticated',
      authInfo: { clientId: 'c1', scopes: ['mcp:read'], extra: { method: 'introspection', subject: 'u1' } },
    });
    // RFC 6749 §2.3.1: form-urlencoded id and secret inside Basic.
    expect(calls[0]!.authorization).toBe(`Basic ${btoa('resource+server:s3cret%3Ax')}`);
  });

  it.each([
    ['opaque-unknown', 'ERR_CREDENTIALS_INVALID'],
    ['opaque-other-audience', 'ERR_AUDIENCE_MISMATCH'],
    ['opaque-expired', 'ERR_TOKEN_EXPIRED'],
  ])('refuses %s with 401', async (token, code) => {
    const result = await check(await start(), token);
    expect(result.outcome === 'rejected' && [result.status, result.error.code]).toEqual([401, code]);
  });

  it('caches an active answer and shares concurrent calls', async () => {
    delayMs = 50;
    const auth = await start();
    const results = await Promise.all(Array.from({ length: 5 }, () => check(auth, 'opaque-good')));
    expect(results.every((r) => r.outcome === 'authenticated')).toBe(true);
    expect((await check(auth, 'opaque-good')).outcome).toBe('authenticated');
    expect(calls).toHaveLength(1);
  });

  it('caches tokens sharing their last characters apart: each keeps its own identity', async () => {
    // Issue 7: the cache indexes a token by its tail; equality is still decided on the whole token.
    const tail = 'x'.repeat(100);
    const exp = Math.floor(Date.now() / 1000) + 300;
    answers[`first-${tail}`] = { active: true, client_id: 'first', exp, aud: RESOURCE };
    answers[`second-${tail}`] = { active: true, client_id: 'second', exp, aud: RESOURCE };
    const auth = await start();
    for (let round = 0; round < 2; round++) {
      for (const name of ['first', 'second']) {
        const result = await check(auth, `${name}-${tail}`);
        expect(result.outcome === 'authenticated' && result.authInfo.clientId).toBe(name);
      }
    }
    expect(calls.map((c) => c.token)).toEqual([`first-${tail}`, `second-${tail}`]);
    expect((await check(auth, `third-${tail}`)).outcome).toBe('rejected');
  });

  it('refuses a header whose token is not token68 even after verifyAccessToken cached it (RFC 6750 §2.1)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    answers['opaque good'] = { active: true, client_id: 'c1', exp, aud: RESOURCE };
    const auth = await start();
    expect((await auth.verifyAccessToken('opaque good')).clientId).toBe('c1');
    const result = await check(auth, 'opaque good');
    expect(result.outcome === 'rejected' && [result.status, result.error.code]).toEqual([
      400,
      'ERR_MALFORMED_AUTHORIZATION',
    ]);
  });

  it('does not cache inactive answers', async () => {
    const auth = await start();
    await check(auth, 'opaque-unknown');
    await check(auth, 'opaque-unknown');
    expect(calls).toHaveLength(2);
  });

  it('answers 503 when the endpoint fails, never a pass', async () => {
    failing = true;
    const result = await check(await start(), 'opaque-good');
    expect(result.outcome === 'rejected' && result.status).toBe(503);
    expect(result.outcome === 'rejected' && result.headers['Retry-After']).toBeTruthy();
  });

  it('checks API keys first and never sends them to the authorization server (R11, R18)', async () => {
    const auth = await start({ apiKeys: ['local-api-key'] });
    expect((await check(auth, 'local-api-key')).outcome).toBe('authenticated');
    expect(calls).toHaveLength(0);
  });
});
