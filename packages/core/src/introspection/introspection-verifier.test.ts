// RFC 7662 §2.2: opaque tokens checked with RFC 7662 introspection against a real local endpoint.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLocalIssuer } from '../__fixtures__/local-issuer.js';
import { RESOURCE } from '../__fixtures__/signing-keys.js';
import type { Authenticator, AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import type { WardenOptions } from '../config/config-schema.js';
import type { Logger } from '../logging/logger.js';

let server: Server;
let base: string;
let calls: { token: string | null; authorization: string | undefined; form: URLSearchParams }[];
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
    calls.push({ token, authorization: req.headers.authorization, form });
    const answer = () => {
      if (failing) {
        res.statusCode = 500;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      const chosen = answers[token ?? ''] ?? { active: false };
      // A string is sent as written: JSON that JSON.stringify cannot produce (`1e400`).
      res.end(typeof chosen === 'string' ? chosen : JSON.stringify(chosen));
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
    'opaque-no-audience': { active: true, exp, scope: 'mcp:read' },
    'opaque-dpop': { active: true, exp, aud: RESOURCE, token_type: 'DPoP' },
    'opaque-refresh': { active: true, exp, aud: RESOURCE, token_type: 'refresh_token' },
    'opaque-other-issuer': { active: true, exp, aud: [RESOURCE, 'x'], iss: 'https://evil.example.com' },
    'opaque-scp': { active: true, exp, aud: `${RESOURCE}/`, scp: ['mcp:read', 'mcp:write'], token_type: 'Bearer' },
  };
});
afterEach(async () => {
  vi.useRealTimers();
  await authenticator?.close();
  authenticator = undefined;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

async function start(options: WardenOptions = {}, logger?: Logger): Promise<Authenticator> {
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

function capture(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const at = (level: string) => (fields: object, message?: string) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

function check(auth: Authenticator, token: string): Promise<AuthResult> {
  return auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
}

describe('token introspection (RFC 7662 §2.2)', () => {
  it('accepts an active token with its scopes and client, authenticating as the resource server', async () => {
    const result = await check(await start(), 'opaque-good');
    expect(result).toMatchObject({
      outcome: 'authenticated',
      authInfo: { clientId: 'c1', scopes: ['mcp:read'], extra: { method: 'introspection', subject: 'u1' } },
    });
    // RFC 6749 §2.3.1: form-urlencoded id and secret inside Basic.
    expect(calls[0]!.authorization).toBe(`Basic ${btoa('resource+server:s3cret%3Ax')}`);
    // RFC 7662 §2.1: the hint tells the server which token table to look in first.
    expect(Object.fromEntries(calls[0]!.form)).toEqual({ token: 'opaque-good', token_type_hint: 'access_token' });
  });

  it('sends the client credentials in the body with client_secret_post, and no Authorization header', async () => {
    const result = await check(await start({ oauthIntrospectionAuthMethod: 'client_secret_post' }), 'opaque-good');
    expect(result.outcome).toBe('authenticated');
    expect(calls[0]!.authorization).toBeUndefined();
    expect(Object.fromEntries(calls[0]!.form)).toEqual({
      token: 'opaque-good',
      token_type_hint: 'access_token',
      client_id: 'resource server',
      client_secret: 's3cret:x',
    });
  });

  it.each([
    ['opaque-unknown', 'ERR_CREDENTIALS_INVALID'],
    ['opaque-other-audience', 'ERR_AUDIENCE_MISMATCH'],
    ['opaque-expired', 'ERR_TOKEN_EXPIRED'],
    // RFC 8707 §2 as for JWTs: an answer without `aud` does not say the token is for us.
    ['opaque-no-audience', 'ERR_AUDIENCE_MISMATCH'],
    // Sender-constrained (RFC 9449) or refresh tokens presented as bearer access tokens.
    ['opaque-dpop', 'ERR_TOKEN_TYPE_INVALID'],
    ['opaque-refresh', 'ERR_TOKEN_TYPE_INVALID'],
    ['opaque-other-issuer', 'ERR_ISSUER_MISMATCH'],
  ])('refuses %s with 401', async (token, code) => {
    const result = await check(await start({ jwtIssuer: 'https://as.example.com' }), token);
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
    // The cache indexes a token by its tail; equality is still decided on the whole token.
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

  it('verifies tokens sharing their last characters apart while they are in flight together', async () => {
    // Verifications in flight are indexed by the token's tail too; a token is only ever
    // handed the answer for itself.
    delayMs = 50;
    const tail = 'y'.repeat(100);
    const exp = Math.floor(Date.now() / 1000) + 300;
    answers[`first-${tail}`] = { active: true, client_id: 'first', exp, aud: RESOURCE };
    answers[`second-${tail}`] = { active: true, client_id: 'second', exp, aud: RESOURCE };
    const auth = await start();
    const names = ['first', 'second', 'first', 'second'];
    const results = await Promise.all(names.map((name) => check(auth, `${name}-${tail}`)));
    expect(results.map((r) => r.outcome === 'authenticated' && r.authInfo.clientId)).toEqual(names);
    expect(calls.filter((c) => c.token === `first-${tail}`)).toHaveLength(1);
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

  it('answers 503 when the endpoint fails, never a pass, and warns once per incident', async () => {
    failing = true;
    const { lines, logger } = capture();
    const auth = await start({}, logger);
    const result = await check(auth, 'opaque-good');
    expect(result.outcome === 'rejected' && result.status).toBe(503);
    expect(result.outcome === 'rejected' && result.headers['Retry-After']).toBeTruthy();
    expect(result.outcome === 'rejected' && result.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The token introspection endpoint is temporarily unavailable; retry later',
    });
    expect((await check(auth, 'opaque-scp')).outcome === 'rejected').toBe(true);
    expect(lines.filter((line) => line.startsWith('warn token introspection failed'))).toHaveLength(1);
  });

  it('refuses an active answer whose exp, nbf or iat is not a finite NumericDate (1e400, a string, year 10000)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    answers['opaque-exp-infinite'] = `{"active":true,"aud":"${RESOURCE}","scope":"mcp:read","exp":1e400}`;
    answers['opaque-exp-string'] = { active: true, aud: RESOURCE, exp: String(exp) };
    answers['opaque-nbf-far'] = { active: true, aud: RESOURCE, exp, nbf: 253_402_300_800 };
    answers['opaque-iat-negative'] = `{"active":true,"aud":"${RESOURCE}","exp":${exp},"iat":-1e400}`;
    const auth = await start();
    for (const token of ['opaque-exp-infinite', 'opaque-exp-string', 'opaque-nbf-far', 'opaque-iat-negative']) {
      const result = await check(auth, token);
      expect(result.outcome === 'rejected' && [result.status, result.error.code, result.body.error], token).toEqual([
        401,
        'ERR_TOKEN_TIME_INVALID',
        'invalid_token',
      ]);
    }
    expect((await check(auth, 'opaque-good')).outcome).toBe('authenticated');
  });

  it('answers 503 when the endpoint does not answer within the timeout', async () => {
    delayMs = 2000;
    const result = await check(await start({ oauthIntrospectionTimeout: 0.1 }), 'opaque-good');
    expect(result.outcome === 'rejected' && [result.status, result.error.code]).toEqual([
      503,
      'ERR_VERIFIER_UNAVAILABLE',
    ]);
  });

  it('checks scopes exactly as for JWTs: scp arrays count, a missing scope is a 403 naming every needed scope', async () => {
    const auth = await start();
    const ok = await auth.authenticate(
      { method: 'POST', authorization: 'Bearer opaque-scp' },
      { requiredScopes: ['mcp:read', 'mcp:write'] },
    );
    expect(ok).toMatchObject({ outcome: 'authenticated', authInfo: { scopes: ['mcp:read', 'mcp:write'] } });
    const missing = await auth.authenticate(
      { method: 'POST', authorization: 'Bearer opaque-good' },
      { requiredScopes: ['mcp:read', 'mcp:write'] },
    );
    expect(missing.outcome === 'rejected' && [missing.status, missing.headers['WWW-Authenticate']]).toEqual([
      403,
      expect.stringMatching(/scope="mcp:read mcp:write", error="insufficient_scope"/),
    ]);
  });

  it('reuses an answer no longer than the configured maximum age', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const auth = await start({ oauthIntrospectionCacheMaxAge: 20, jwtClockTolerance: 0 });
    await check(auth, 'opaque-good');
    vi.setSystemTime(Date.now() + 19_000);
    await check(auth, 'opaque-good');
    expect(calls).toHaveLength(1);
    vi.setSystemTime(Date.now() + 2000);
    await check(auth, 'opaque-good');
    expect(calls).toHaveLength(2);
  });

  it('never reuses an answer past the token’s exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    answers['opaque-short'] = { active: true, aud: RESOURCE, exp: Math.floor(Date.now() / 1000) + 10 };
    const auth = await start({ jwtClockTolerance: 0 });
    expect((await check(auth, 'opaque-short')).outcome).toBe('authenticated');
    vi.setSystemTime(Date.now() + 11_000);
    const later = await check(auth, 'opaque-short');
    expect(later.outcome === 'rejected' && later.error.code).toBe('ERR_TOKEN_EXPIRED');
    expect(calls).toHaveLength(2);
  });

  it('with a maximum age of 0 asks every time, still sharing concurrent calls', async () => {
    delayMs = 30;
    const auth = await start({ oauthIntrospectionCacheMaxAge: 0 });
    await Promise.all([check(auth, 'opaque-good'), check(auth, 'opaque-good')]);
    await check(auth, 'opaque-good');
    expect(calls).toHaveLength(2);
  });

  it('explains the routing at debug level without logging the token', async () => {
    const { lines, logger } = capture();
    const auth = await start({ apiKeys: ['local-api-key'] }, logger);
    await check(auth, 'opaque-good');
    await check(auth, 'local-api-key');
    const debug = lines.filter((line) => line.startsWith('debug'));
    expect(debug).toEqual([
      expect.stringContaining('not a JWT and not an API key: introspecting it'),
      expect.stringContaining('not a JWT and is a configured API key'),
    ]);
    expect(lines.join('\n')).not.toMatch(/opaque-good|local-api-key/);
  });

  it('logs a failing endpoint once per window, never the token or the client secret', async () => {
    const warnings: [object, string | undefined][] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (obj, msg) => warnings.push([obj, msg]) };
    failing = true;
    const auth = await start({ authRequired: true }, logger);
    for (let i = 0; i < 5; i++) {
      const result = await check(auth, `opaque-failing-${i}`);
      expect(result.outcome === 'rejected' && result.status).toBe(503);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toEqual([
      expect.objectContaining({ failure: 'http_status', status: 500 }),
      'token introspection failed',
    ]);
    expect(JSON.stringify(warnings)).not.toMatch(/opaque-failing|s3cret/);
  });

  it('checks API keys first and never sends them to the authorization server (MCP security best practices, "Token Passthrough"; docs/security.md)', async () => {
    const auth = await start({ apiKeys: ['local-api-key'] });
    expect((await check(auth, 'local-api-key')).outcome).toBe('authenticated');
    expect(calls).toHaveLength(0);
  });
});

describe('introspection endpoint discovery (MCP_OAUTH_INTROSPECTION_ENDPOINT=discover)', () => {
  it('reads introspection_endpoint from the issuer metadata once, shared by concurrent first requests', async () => {
    const issuer = await startLocalIssuer();
    try {
      issuer.metadata = { introspection_endpoint: `${issuer.base}/introspect` };
      issuer.introspect = (form) => ({ active: true, aud: RESOURCE, scope: form.get('token'), iss: issuer.issuer });
      authenticator = await createAuthenticator({
        resourceUrl: RESOURCE,
        jwtIssuer: issuer.issuer,
        oauthIntrospectionEndpoint: 'discover',
        oauthClientId: 'rs',
        oauthClientSecret: 'secret',
      });
      const auth = authenticator;
      const results = await Promise.all(['t1', 't2', 't3'].map((token) => check(auth, token)));
      expect(results.map((result) => result.outcome === 'authenticated' && result.authInfo.scopes)).toEqual([
        ['t1'],
        ['t2'],
        ['t3'],
      ]);
      expect(issuer.requests.map((request) => request.path)).toEqual([
        '/.well-known/openid-configuration',
        '/introspect',
        '/introspect',
        '/introspect',
      ]);
    } finally {
      await issuer.close();
    }
  });

  it('answers 503 when the metadata names no introspection endpoint, and says why in the log', async () => {
    const issuer = await startLocalIssuer();
    try {
      const { lines, logger } = capture();
      authenticator = await createAuthenticator(
        { resourceUrl: RESOURCE, jwtIssuer: issuer.issuer, oauthIntrospectionEndpoint: 'discover' },
        { logger },
      );
      const result = await check(authenticator, 'opaque');
      expect(result.outcome === 'rejected' && [result.status, result.body.error]).toEqual([
        503,
        'temporarily_unavailable',
      ]);
      expect(lines.some((line) => line.startsWith('warn') && line.includes('no introspection_endpoint'))).toBe(true);
      // Within the back-off the provider is not asked again.
      await check(authenticator, 'opaque-2');
      expect(issuer.requests).toHaveLength(1);
    } finally {
      await issuer.close();
    }
  });
});
