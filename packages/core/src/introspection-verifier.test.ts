// R17: opaque tokens checked with RFC 7662 introspection against a real local endpoint.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESOURCE } from './__fixtures__/signing-keys.js';
import type { Authenticator, AuthLogger, AuthResult } from './authenticator-types.js';
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

async function start(options: WardenOptions = {}, logger?: AuthLogger): Promise<Authenticator> {
  authenticator = await createAuthenticator(
    {
      resourceUrl: RESOURCE,
      oauthIntrospectionEndpoint: `${base}/introspect`,
      oauthClientId: 'resource server',
      oauthClientSecret: 's3cret:x',
      ...options,
    },
    logger ? { logger } : {},
  );
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

  it('logs a failing endpoint once per window, never the token or the client secret (issue 8)', async () => {
    const warnings: [object, string | undefined][] = [];
    const logger: AuthLogger = { debug() {}, info() {}, error() {}, warn: (obj, msg) => warnings.push([obj, msg]) };
    failing = true;
    const auth = await start({}, logger);
    for (let i = 0; i < 5; i++) {
      const result = await check(auth, `opaque-failing-${i}`);
      expect(result.outcome === 'rejected' && result.status).toBe(503);
    }
    expect(warnings).toEqual([
      [{ failure: 'http_status', status: 500, failuresSinceLastReport: 0 }, 'token introspection failed'],
    ]);
    expect(JSON.stringify(warnings)).not.toMatch(/opaque-failing|s3cret/);
  });

  it('checks API keys first and never sends them to the authorization server (R11, R18)', async () => {
    const auth = await start({ apiKeys: ['local-api-key'] });
    expect((await check(auth, 'local-api-key')).outcome).toBe('authenticated');
    expect(calls).toHaveLength(0);
  });
});
