import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, importPKCS8 } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ISSUER,
  mint,
  RESOURCE,
  SECRET,
  secretBytes,
  type TestKeyPair,
  testKeyPair,
} from '../__fixtures__/signing-keys.js';
import { UNEXPECTED_FAILURE } from '../adapter/unexpected-failure.js';
import type { WardenOptions } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { isConfigError } from '../errors/config-error.js';
import type { Authenticator, AuthRequest, AuthResult } from './authenticator-types.js';
import { createAuthenticator } from './create-authenticator.js';

const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const CHALLENGE = `Bearer resource_metadata="${PRM}"`;
let rsa: TestKeyPair;

beforeAll(async () => {
  rsa = await testKeyPair('RS256');
});

/**
 * These cases are about Bearer tokens and their challenge; with DPoP on (the default) every 401
 * also offers a DPoP challenge, which dpop/dpop-authenticate.test.ts covers.
 */
function base(options: WardenOptions = {}): WardenOptions {
  return { resourceUrl: RESOURCE, jwtIssuer: ISSUER, jwtPublicKey: rsa.spki, dpopEnabled: false, ...options };
}

async function authenticate(
  options: WardenOptions,
  request: Partial<AuthRequest>,
  route?: Parameters<Authenticator['authenticate']>[1],
): Promise<AuthResult> {
  const authenticator = await createAuthenticator(base(options));
  try {
    return await authenticator.authenticate({ method: 'POST', ...request }, route);
  } finally {
    await authenticator.close();
  }
}

function bearer(token: string): Partial<AuthRequest> {
  return { authorization: `Bearer ${token}` };
}

function rejected(result: AuthResult) {
  if (result.outcome !== 'rejected') throw new Error(`expected a rejection, got ${result.outcome}`);
  return result;
}

describe('the semantics table (docs/architecture.md)', () => {
  it('auth disabled: every request is anonymous, even with bad credentials', async () => {
    expect(await authenticate({ authEnabled: false, authRequired: true }, {})).toEqual({ outcome: 'anonymous' });
    expect(await authenticate({ authEnabled: false }, bearer('garbage'))).toEqual({ outcome: 'anonymous' });
  });

  it('enabled, not required, no credentials: anonymous', async () => {
    expect(await authenticate({}, {})).toEqual({ outcome: 'anonymous' });
    expect(await authenticate({}, { authorization: '', apiKey: '' })).toEqual({ outcome: 'anonymous' });
  });

  it('enabled, not required, invalid credentials: 401, never downgraded to anonymous', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { aud: 'https://other.example.com' });
    const result = rejected(await authenticate({ apiKeys: ['good-key'] }, bearer(token)));
    expect(result.status).toBe(401);
    const badKey = rejected(await authenticate({ apiKeys: ['good-key'] }, { apiKey: 'wrong-key' }));
    expect(badKey.status).toBe(401);
    expect(badKey.body).toEqual({ error: 'invalid_token', error_description: 'Could not validate credentials' });
  });

  it('required, no credentials: 401 with resource_metadata and no error= (RFC 6750 §3.1)', async () => {
    const result = rejected(await authenticate({ authRequired: true }, {}));
    expect(result.status).toBe(401);
    expect(result.headers).toEqual({ 'WWW-Authenticate': CHALLENGE });
    expect(result.body.error).toBe('invalid_token');
  });

  it('required, no credentials, with required scopes: the challenge names them (RFC 6750 §3, RFC 9728 §5.1)', async () => {
    const result = rejected(await authenticate({ authRequired: true, requiredScopes: ['mcp:read', 'mcp:write'] }, {}));
    expect(result.headers['WWW-Authenticate']).toBe(`${CHALLENGE}, scope="mcp:read mcp:write"`);
  });

  it('invalid token: 401 invalid_token "Could not validate credentials"', async () => {
    const other = await testKeyPair('RS256');
    const token = await mint(other.privateKey, 'RS256');
    const result = rejected(await authenticate({ authRequired: true }, bearer(token)));
    expect(result.status).toBe(401);
    expect(result.error.code).toBe('ERR_CREDENTIALS_INVALID');
    expect(result.body).toEqual({ error: 'invalid_token', error_description: 'Could not validate credentials' });
    expect(result.headers['WWW-Authenticate']).toBe(
      `${CHALLENGE}, error="invalid_token", error_description="Could not validate credentials"`,
    );
  });

  it('expired token: 401, never 403 (RFC 6750 §3.1)', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { exp: Math.floor(Date.now() / 1000) - 60 });
    const result = rejected(await authenticate({ requiredScopes: ['mcp:admin'] }, bearer(token)));
    expect(result.status).toBe(401);
    expect(result.error.code).toBe('ERR_TOKEN_EXPIRED');
    expect(result.body.error).toBe('invalid_token');
  });

  it('wrong audience: 401 "Invalid token audience" (RFC 8707 §2)', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { aud: 'https://other.example.com/mcp' });
    const result = rejected(await authenticate({}, bearer(token)));
    expect(result.error.code).toBe('ERR_AUDIENCE_MISMATCH');
    expect(result.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token audience' });
  });

  it('wrong issuer: 401 invalid_token', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { iss: 'https://auth.example.com' });
    const result = rejected(await authenticate({}, bearer(token)));
    expect(result.error.code).toBe('ERR_ISSUER_MISMATCH');
    expect(result.status).toBe(401);
  });

  it('valid token lacking a scope: 403 insufficient_scope naming every needed scope (RFC 6750 §3.1)', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'mcp:read' });
    const result = rejected(await authenticate({ requiredScopes: ['mcp:read', 'mcp:write'] }, bearer(token)));
    expect(result.status).toBe(403);
    expect(result.body.error).toBe('insufficient_scope');
    expect(result.headers['WWW-Authenticate']).toBe(
      `${CHALLENGE}, scope="mcp:read mcp:write", error="insufficient_scope", error_description="${result.body.error_description}"`,
    );
  });

  it.each([
    ['Basic dXNlcjpwYXNz'],
    ['Bearer'],
    ['Bearer '],
    ['Bearer a b'],
    ['Bearer tok, Bearer other'],
    ['Bearer\ttoken'],
    ['Token abc'],
  ])('malformed Authorization %j: 400 invalid_request with the challenge', async (authorization) => {
    const result = rejected(await authenticate({}, { authorization }));
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_request');
    expect(result.error.code).toBe('ERR_MALFORMED_AUTHORIZATION');
    expect(result.headers['WWW-Authenticate']).toMatch(/^Bearer resource_metadata="[^"]+", error="invalid_request"/);
  });

  it('compares the scheme case-insensitively and accepts several spaces', async () => {
    const token = await mint(rsa.privateKey, 'RS256');
    for (const authorization of [`bearer ${token}`, `BEARER ${token}`, `Bearer    ${token}`]) {
      expect((await authenticate({}, { authorization })).outcome).toBe('authenticated');
    }
  });

  it('answers a CORS preflight without credentials as anonymous (docs/requirements.md, "Browser clients")', async () => {
    expect(await authenticate({ authRequired: true }, { method: 'OPTIONS' })).toEqual({ outcome: 'anonymous' });
  });

  it('JWT arriving while JWT is disabled: "JWT authentication is not enabled"', async () => {
    const token = await mint(rsa.privateKey, 'RS256');
    const result = rejected(await authenticate({ jwtEnabled: false, apiKeys: ['k'] }, bearer(token)));
    expect(result.error.code).toBe('ERR_JWT_DISABLED');
    expect(result.body).toEqual({ error: 'invalid_token', error_description: 'JWT authentication is not enabled' });
  });

  it('never puts the token in the body or headers', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { aud: 'nope' });
    const result = rejected(await authenticate({}, bearer(token)));
    expect(JSON.stringify(result.body) + JSON.stringify(result.headers)).not.toContain(token.split('.')[2]);
  });
});

describe('valid JWTs become the SDK AuthInfo (RFC 9068 §2.2)', () => {
  it('reads scope, client_id, subject and issuer', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'mcp:read mcp:write', client_id: 'app-1' });
    const result = await authenticate({ requiredScopes: ['mcp:read'] }, bearer(token));
    if (result.outcome !== 'authenticated') throw new Error(result.outcome);
    const { authInfo } = result;
    expect(authInfo).toMatchObject({
      token,
      clientId: 'app-1',
      scopes: ['mcp:read', 'mcp:write'],
      extra: { subject: 'user-1', issuer: ISSUER, method: 'jwt', claims: { client_id: 'app-1' } },
    });
    expect(authInfo.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(authInfo.resource?.href).toBe(RESOURCE);
  });

  it.each([
    [{ scp: 'a b' }, ['a', 'b']],
    [{ scp: ['a', 'b'] }, ['a', 'b']],
    [{ permissions: ['read:x', 'write:x'] }, ['read:x', 'write:x']],
    [{ scope: 'a', permissions: ['b'] }, ['a', 'b']],
  ])('scopes from %j', async (claims, scopes) => {
    const token = await mint(rsa.privateKey, 'RS256', claims);
    const result = await authenticate({}, bearer(token));
    expect(result.outcome === 'authenticated' && result.authInfo.scopes).toEqual(scopes);
  });

  it.each([
    [{ client_id: 'c', azp: 'a' }, 'c'],
    [{ azp: 'a' }, 'a'],
    [{}, 'user-1'],
  ])('client id from %j', async (claims, clientId) => {
    const token = await mint(rsa.privateKey, 'RS256', claims);
    const result = await authenticate({}, bearer(token));
    expect(result.outcome === 'authenticated' && result.authInfo.clientId).toBe(clientId);
  });
});

describe('audience (RFC 8707 §2)', () => {
  it.each<[string | string[], string]>([
    ['https://mcp.example.com/mcp/', 'one trailing slash'],
    ['https://mcp.example.com/mcp#section', 'a fragment'],
    [['https://x.example.com', 'https://mcp.example.com/mcp'], 'an array'],
  ])('accepts %j (%s)', async (aud) => {
    const token = await mint(rsa.privateKey, 'RS256', { aud });
    expect((await authenticate({}, bearer(token))).outcome).toBe('authenticated');
  });

  it('accepts a configured list and refuses a token without aud', async () => {
    const api = await mint(rsa.privateKey, 'RS256', { aud: 'api://mcp' });
    expect((await authenticate({ jwtAudience: ['api://mcp', RESOURCE] }, bearer(api))).outcome).toBe('authenticated');
    const none = await mint(rsa.privateKey, 'RS256', { aud: undefined });
    expect(rejected(await authenticate({}, bearer(none))).error.code).toBe('ERR_AUDIENCE_MISMATCH');
  });

  it('does not ignore more than one trailing slash or a different path', async () => {
    for (const aud of ['https://mcp.example.com/mcp//', 'https://mcp.example.com/mcp/x', 'https://mcp.example.com']) {
      const token = await mint(rsa.privateKey, 'RS256', { aud });
      expect(rejected(await authenticate({}, bearer(token))).error.code).toBe('ERR_AUDIENCE_MISMATCH');
    }
  });
});

describe('time claims and typ (RFC 7519 §4.1.4; RFC 9068 §2.1)', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('honours nbf and a future iat, with the clock tolerance', async () => {
    const early = await mint(rsa.privateKey, 'RS256', { nbf: now() + 60 });
    expect(rejected(await authenticate({}, bearer(early))).error.code).toBe('ERR_TOKEN_NOT_YET_VALID');
    const future = await mint(rsa.privateKey, 'RS256', { iat: now() + 60 });
    expect(rejected(await authenticate({}, bearer(future))).error.code).toBe('ERR_TOKEN_NOT_YET_VALID');
    const slightly = await mint(rsa.privateKey, 'RS256', { nbf: now() + 3, exp: now() - 3 + 300 });
    expect((await authenticate({}, bearer(slightly))).outcome).toBe('authenticated');
    const justExpired = await mint(rsa.privateKey, 'RS256', { exp: now() - 3 });
    expect((await authenticate({}, bearer(justExpired))).outcome).toBe('authenticated');
    expect(rejected(await authenticate({ jwtClockTolerance: 0 }, bearer(justExpired))).error.code).toBe(
      'ERR_TOKEN_EXPIRED',
    );
  });

  it('requires exp', async () => {
    const token = await mint(rsa.privateKey, 'RS256', {}, { expiresIn: null });
    expect(rejected(await authenticate({}, bearer(token))).status).toBe(401);
  });

  it.each([[undefined], ['JWT'], ['at+jwt'], ['application/at+jwt'], ['AT+JWT']])(
    'accepts typ %j by default',
    async (typ) => {
      const token = await mint(rsa.privateKey, 'RS256', {}, { header: typ === undefined ? {} : { typ } });
      expect((await authenticate({}, bearer(token))).outcome).toBe('authenticated');
    },
  );

  it('refuses other typ values, and anything but at+jwt when required', async () => {
    const idToken = await mint(rsa.privateKey, 'RS256', {}, { header: { typ: 'id_token+jwt' } });
    expect(rejected(await authenticate({}, bearer(idToken))).error.code).toBe('ERR_TOKEN_TYPE_INVALID');
    const plain = await mint(rsa.privateKey, 'RS256', {}, { header: { typ: 'JWT' } });
    expect(rejected(await authenticate({ jwtRequireAtJwtType: true }, bearer(plain))).status).toBe(401);
    const untyped = await mint(rsa.privateKey, 'RS256');
    expect(rejected(await authenticate({ jwtRequireAtJwtType: true }, bearer(untyped))).status).toBe(401);
    const at = await mint(rsa.privateKey, 'RS256', {}, { header: { typ: 'at+jwt' } });
    expect((await authenticate({ jwtRequireAtJwtType: true }, bearer(at))).outcome).toBe('authenticated');
  });

  it.each(['jose', 'node'] as const)(
    'refuses a typ that is not a string with a 401, never a 5xx (engine %s)',
    async (jwtEngine) => {
      for (const typ of [7, null, ['at+jwt'], { media: 'at+jwt' }]) {
        const token = await mint(rsa.privateKey, 'RS256', {}, { header: { typ } as never });
        const result = rejected(await authenticate({ jwtEngine }, bearer(token)));
        expect(result.status).toBe(401);
        expect(result.error.code).toBe('ERR_TOKEN_TYPE_INVALID');
      }
    },
  );
});

describe('API keys (docs/security.md)', () => {
  const digest = (key: string) =>
    crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(key))
      .then((d) => `sha256:${Buffer.from(d).toString('hex')}`);

  it('accepts X-API-Key and Authorization: Bearer <non-JWT key>', async () => {
    const options = { apiKeys: ['dev-key-123', 'second-key'], authRequired: true };
    const viaHeader = await authenticate(options, { apiKey: 'second-key' });
    expect(viaHeader).toMatchObject({
      outcome: 'authenticated',
      authInfo: { token: 'second-key', clientId: 'api_key:2', extra: { method: 'api_key' } },
    });
    expect((await authenticate(options, bearer('dev-key-123'))).outcome).toBe('authenticated');
  });

  it('a dotted API key that is not a JWT (its first part is no JOSE header) still works as a bearer token', async () => {
    // JWT-shaped (three base64url parts), so JWT validation sees it first and must hand it back.
    const dotted = 'team-one.prod-key.a1b2c3';
    const options = { apiKeys: [dotted], authRequired: true };
    expect(await authenticate(options, bearer(dotted))).toMatchObject({
      outcome: 'authenticated',
      authInfo: { token: dotted, clientId: 'api_key:1', extra: { method: 'api_key' } },
    });
    expect(rejected(await authenticate(options, bearer('team-one.prod-key.a1b2c4'))).error.code).toBe(
      'ERR_API_KEY_INVALID',
    );
  });

  it('accepts sha256:<hex> entries without the plain key in the config', async () => {
    const options = { apiKeys: [await digest('s3cret-key')] };
    expect((await authenticate(options, { apiKey: 's3cret-key' })).outcome).toBe('authenticated');
    expect(rejected(await authenticate(options, { apiKey: (await digest('s3cret-key')).slice(7) })).status).toBe(401);
  });

  it('refuses near misses: prefix, suffix, case', async () => {
    for (const apiKey of ['dev-key-12', 'dev-key-1234', 'DEV-KEY-123', ' dev-key-123x']) {
      const result = rejected(await authenticate({ apiKeys: ['dev-key-123'] }, { apiKey }));
      expect(result.error.code).toBe('ERR_API_KEY_INVALID');
    }
  });

  it('refuses any key when API keys are disabled', async () => {
    const result = rejected(await authenticate({ apiKeys: ['k'], apiKeyEnabled: false }, { apiKey: 'k' }));
    expect(result.error.code).toBe('ERR_API_KEY_DISABLED');
  });

  it('lets the Authorization header decide when both are sent', async () => {
    const result = rejected(await authenticate({ apiKeys: ['k'] }, { apiKey: 'k', authorization: 'Bearer wrong' }));
    expect(result.status).toBe(401);
    expect((await authenticate({ apiKeys: ['k'] }, { apiKey: 'k', authorization: 'Basic x' })).outcome).toBe(
      'authenticated',
    );
  });

  it('is full-access: scope checks do not apply to API keys', async () => {
    const result = await authenticate(
      { apiKeys: ['k'], requiredScopes: ['mcp:read'], toolScopes: { deploy: ['ops'] } },
      { apiKey: 'k', body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'deploy' } } },
    );
    expect(result).toMatchObject({ outcome: 'authenticated', authInfo: { scopes: ['mcp:read', 'ops'] } });
  });
});

describe('per-route options and tools/call step-up (RFC 6750 §3.1; docs/requirements.md, "Step-up for tools")', () => {
  const call = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } });
  const toolScopes = { delete_file: ['files:write'], deploy: ['ops', 'files:write'] };

  it('a route can require auth and scopes the config does not', async () => {
    expect(rejected(await authenticate({}, {}, { required: true })).status).toBe(401);
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'a' });
    const result = rejected(await authenticate({}, bearer(token), { requiredScopes: ['a', 'b'] }));
    expect(result.status).toBe(403);
    expect(result.headers['WWW-Authenticate']).toContain('scope="a b"');
    expect(await authenticate({ authRequired: true }, {}, { required: false })).toEqual({ outcome: 'anonymous' });
  });

  it('a tools/call for a scoped tool without the scope: 403 with every needed scope', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'mcp:read' });
    const result = rejected(
      await authenticate({ requiredScopes: ['mcp:read'], toolScopes }, { ...bearer(token), body: call('deploy') }),
    );
    expect(result.status).toBe(403);
    expect(result.headers['WWW-Authenticate']).toContain('scope="mcp:read ops files:write"');
  });

  it('a tools/call for a scoped tool with the scope, or an unscoped tool: authenticated', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'files:write' });
    expect((await authenticate({ toolScopes }, { ...bearer(token), body: call('delete_file') })).outcome).toBe(
      'authenticated',
    );
    const plain = await mint(rsa.privateKey, 'RS256');
    expect((await authenticate({ toolScopes }, { ...bearer(plain), body: call('search') })).outcome).toBe(
      'authenticated',
    );
    expect(
      (await authenticate({ toolScopes }, { ...bearer(plain), body: { method: 'tools/list', id: 1 } })).outcome,
    ).toBe('authenticated');
  });

  it('checks every message of a JSON-RPC batch', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'files:write' });
    const result = rejected(
      await authenticate({ toolScopes }, { ...bearer(token), body: [call('delete_file', 1), call('deploy', 2)] }),
    );
    expect(result.headers['WWW-Authenticate']).toContain('scope="files:write ops"');
  });

  it('a scoped tools/call without credentials gets the 401 challenge even when auth is optional', async () => {
    const result = rejected(await authenticate({ toolScopes }, { body: call('delete_file') }));
    expect(result.status).toBe(401);
    expect(result.headers['WWW-Authenticate']).toBe(`${CHALLENGE}, scope="files:write"`);
  });

  it('route toolScopes replace the configured ones', async () => {
    expect(await authenticate({ toolScopes }, { body: call('delete_file') }, { toolScopes: {} })).toEqual({
      outcome: 'anonymous',
    });
  });

  it('ignores bodies that are not JSON-RPC tools/call, and prototype names', async () => {
    for (const body of [
      null,
      'tools/call',
      42,
      [null, 1],
      { method: 'tools/call' },
      call('constructor'),
      call('__proto__'),
    ]) {
      expect(await authenticate({ toolScopes }, { body })).toEqual({ outcome: 'anonymous' });
    }
  });
});

describe('static keys for every algorithm', () => {
  const asymmetric = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

  it.each(asymmetric)('%s with an SPKI PEM, a JWK and a JWKS', async (alg) => {
    const pair = await testKeyPair(alg);
    const token = await mint(pair.privateKey, alg);
    for (const jwtPublicKey of [pair.spki, JSON.stringify(pair.jwk), JSON.stringify({ keys: [pair.jwk] })]) {
      const result = await authenticate({ jwtAlgorithms: [alg], jwtPublicKey }, bearer(token));
      expect(result.outcome).toBe('authenticated');
    }
  });

  it.each(['HS256', 'HS384', 'HS512'])('%s with a shared secret', async (alg) => {
    const token = await mint(secretBytes, alg);
    const result = await authenticate(
      { jwtAlgorithms: [alg], jwtSecret: SECRET, jwtPublicKey: undefined },
      bearer(token),
    );
    expect(result.outcome).toBe('authenticated');
  });

  it('Ed25519 (the fully-specified EdDSA name)', async () => {
    const pair = await testKeyPair('Ed25519');
    const token = await mint(pair.privateKey, 'Ed25519');
    expect((await authenticate({ jwtAlgorithms: ['Ed25519'], jwtPublicKey: pair.spki }, bearer(token))).outcome).toBe(
      'authenticated',
    );
  });

  it('an X.509 certificate PEM', async () => {
    const cert = readFileSync(new URL('../__fixtures__/x509-test-cert.pem', import.meta.url), 'utf8');
    const key = await importPKCS8(
      readFileSync(new URL('../__fixtures__/x509-test-key.pem', import.meta.url), 'utf8'),
      'RS256',
    );
    const token = await mint(key, 'RS256');
    expect((await authenticate({ jwtPublicKey: cert }, bearer(token))).outcome).toBe('authenticated');
  });

  it('a PEM with literal \\n from a one-line env value, and a key file', async () => {
    const token = await mint(rsa.privateKey, 'RS256');
    const oneLine = rsa.spki.trim().replace(/\n/g, '\\n');
    expect((await authenticate({ jwtPublicKey: oneLine }, bearer(token))).outcome).toBe('authenticated');
    const dir = mkdtempSync(join(tmpdir(), 'mcp-warden-key-'));
    const path = join(dir, 'public.pem');
    writeFileSync(path, rsa.spki);
    try {
      expect((await authenticate({ jwtPublicKey: undefined, jwtPublicKeyFile: path }, bearer(token))).outcome).toBe(
        'authenticated',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one key serving several allowed algorithms (RS256 and PS256 with one RSA key)', async () => {
    const pss = await testKeyPair('PS256');
    const options = { jwtAlgorithms: ['RS256', 'PS256'], jwtPublicKey: pss.spki };
    expect((await authenticate(options, bearer(await mint(pss.privateKey, 'PS256')))).outcome).toBe('authenticated');
  });

  it('picks the JWKS key by kid', async () => {
    const a = await testKeyPair('ES256', 'a');
    const b = await testKeyPair('ES256', 'b');
    const options = { jwtAlgorithms: ['ES256'], jwtPublicKey: JSON.stringify({ keys: [a.jwk, b.jwk] }) };
    const token = await mint(b.privateKey, 'ES256', {}, { header: { kid: 'b' } });
    expect((await authenticate(options, bearer(token))).outcome).toBe('authenticated');
    const wrongKid = await mint(b.privateKey, 'ES256', {}, { header: { kid: 'a' } });
    expect(rejected(await authenticate(options, bearer(wrongKid))).status).toBe(401);
    const noKid = await mint(b.privateKey, 'ES256');
    expect((await authenticate(options, bearer(noKid))).outcome).toBe('authenticated');
  });
});

describe('createAuthenticator fails fast on unusable keys', () => {
  async function configErrorOf(options: WardenOptions) {
    const error = await createAuthenticator(options).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    return error as { issues: { variable: string; message: string }[] };
  }

  it('a key of the wrong type for the allowed algorithms', async () => {
    const ec = await testKeyPair('ES256');
    const error = await configErrorOf({ jwtAlgorithms: ['RS256'], jwtPublicKey: ec.spki });
    // Named as the caller wrote it: an option in code, the variable for a configuration from the environment.
    expect(error.issues[0]!.variable).toBe('jwtPublicKey');
    expect(error.issues[0]!.message).toContain('must match jwtAlgorithms');
    const fromEnv = await createAuthenticator(
      loadConfig({ MCP_JWT_ALGORITHM: 'RS256', MCP_JWT_PUBLIC_KEY: ec.spki.replaceAll('\n', '\\n') }),
    ).then(
      () => undefined,
      (e: { issues: { variable: string; message: string }[] }) => e,
    );
    expect(fromEnv?.issues[0]).toMatchObject({ variable: 'MCP_JWT_PUBLIC_KEY' });
    expect(fromEnv?.issues[0]?.message).toContain('must match MCP_JWT_ALGORITHM');
  });

  it('a PEM whose DER is not a key', async () => {
    const error = await configErrorOf({ jwtPublicKey: '-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----' });
    expect(error.issues[0]!.message).toContain('could not be imported');
  });

  it('an RSA key under 2048 bits', async () => {
    // jose refuses to generate one, so WebCrypto does.
    const weak = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    await configErrorOf({ jwtPublicKey: await exportSPKI(weak.publicKey) });
  });

  it('bad configuration, before any key work', async () => {
    const error = await configErrorOf({ jwtAlgorithms: ['HS256'], jwtSecret: 'short' });
    expect(error.issues.map((i) => i.variable)).toEqual(['jwtSecret']);
  });
});

describe('rejection logs', () => {
  it('logs each rejection once with code, method, path and client address, never the credential', async () => {
    const entries: { level: string; obj: object; msg?: string }[] = [];
    const record = (level: string) => (obj: object, msg?: string) => entries.push({ level, obj, msg });
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const authenticator = await createAuthenticator(base({ apiKeys: ['a-very-secret-api-key'] }), { logger });
    const token = await mint(rsa.privateKey, 'RS256', { aud: 'https://other.example.com' });
    try {
      await authenticator.authenticate({
        method: 'POST',
        path: '/mcp',
        clientAddress: '192.0.2.7',
        authorization: `Bearer ${token}`,
      });
      await authenticator.authenticate({
        method: 'GET',
        path: '/mcp',
        clientAddress: '192.0.2.8',
        apiKey: 'wrong-key-123',
      });
      await authenticator.authenticate({ method: 'POST', path: '/mcp', apiKey: 'a-very-secret-api-key' });
    } finally {
      await authenticator.close();
    }
    const rejections = entries.filter((e) => e.msg === 'request rejected');
    expect(rejections.map((e) => e.obj)).toEqual([
      { code: 'ERR_AUDIENCE_MISMATCH', status: 401, method: 'POST', path: '/mcp', clientAddress: '192.0.2.7' },
      {
        code: expect.stringMatching(/^ERR_API_KEY/),
        status: 401,
        method: 'GET',
        path: '/mcp',
        clientAddress: '192.0.2.8',
      },
    ]);
    expect(rejections.every((e) => e.level === 'info')).toBe(true);
    const everything = JSON.stringify(entries);
    for (const secret of [token, 'wrong-key-123', 'a-very-secret-api-key']) expect(everything).not.toContain(secret);
  });
});

describe('a logger with some levels missing (packages/core/README.md, "Logging")', () => {
  it('works: JWTs and API keys are answered as with a full logger, the levels it has get their lines', async () => {
    const infos: string[] = [];
    // No debug, no warn: the debug lines of the JWT path are dropped, not thrown.
    const logger = { info: (_: object, msg?: string) => infos.push(msg ?? ''), error() {} };
    const authenticator = await createAuthenticator(base({ apiKeys: ['an-api-key-123'] }), { logger });
    try {
      const token = await mint(rsa.privateKey, 'RS256', { sub: 'alice' });
      const jwt = await authenticator.authenticate({ method: 'POST', ...bearer(token) });
      expect(jwt.outcome === 'authenticated' && jwt.authInfo.extra?.subject).toBe('alice');
      const wrongAudience = await mint(rsa.privateKey, 'RS256', { aud: 'https://other.example.com' });
      expect(rejected(await authenticator.authenticate({ method: 'POST', ...bearer(wrongAudience) })).status).toBe(401);
      expect(infos).toEqual(['request rejected']);
      const key = await authenticator.authenticate({ method: 'POST', apiKey: 'an-api-key-123' });
      expect(key.outcome).toBe('authenticated');
    } finally {
      await authenticator.close();
    }
  });

  it('calls the levels it has on the logger itself (console and pino need their this)', async () => {
    const seen: string[] = [];
    const logger = {
      prefix: 'mine',
      info(this: { prefix: string }, _fields: object, msg?: string) {
        seen.push(`${this.prefix}: ${msg}`);
      },
    };
    const authenticator = await createAuthenticator(base(), { logger });
    try {
      await authenticator.authenticate({ method: 'POST', ...bearer('not-a-jwt') });
    } finally {
      await authenticator.close();
    }
    expect(seen).toEqual(['mine: request rejected']);
  });

  it('refuses something that is not a logger at construction', async () => {
    await expect(createAuthenticator(base(), { logger: 'console' as never })).rejects.toThrow(
      'createAuthenticator: options.logger must be a logger object',
    );
  });
});

describe('a loopback resource is one resource under localhost, 127.0.0.1 and [::1]', () => {
  const LOOPBACK = 'http://localhost:8000/mcp';

  it('accepts a token for any loopback spelling of the resource, and still refuses other audiences', async () => {
    for (const aud of [LOOPBACK, 'http://127.0.0.1:8000/mcp', 'http://[::1]:8000/mcp']) {
      const token = await mint(rsa.privateKey, 'RS256', { aud });
      expect((await authenticate({ resourceUrl: LOOPBACK }, bearer(token))).outcome, aud).toBe('authenticated');
    }
    for (const aud of ['http://127.0.0.1:9000/mcp', 'http://127.0.0.1:8000/other', 'http://evil.example:8000/mcp']) {
      const token = await mint(rsa.privateKey, 'RS256', { aud });
      expect(rejected(await authenticate({ resourceUrl: LOOPBACK }, bearer(token))).error.code, aud).toBe(
        'ERR_AUDIENCE_MISMATCH',
      );
    }
  });

  it('names the metadata under the spelling of the Host header the client sent', async () => {
    const challenge = async (host: string | undefined) =>
      rejected(await authenticate({ resourceUrl: LOOPBACK, authRequired: true }, { host })).headers['WWW-Authenticate'];
    expect(await challenge('127.0.0.1:8000')).toBe(
      'Bearer resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"',
    );
    expect(await challenge('[::1]:8000')).toBe(
      'Bearer resource_metadata="http://[::1]:8000/.well-known/oauth-protected-resource/mcp"',
    );
    for (const host of ['localhost:8000', undefined, 'evil.example:8000', '127.0.0.1:9999']) {
      expect(await challenge(host), host).toBe(
        'Bearer resource_metadata="http://localhost:8000/.well-known/oauth-protected-resource/mcp"',
      );
    }
  });

  it('never lets the Host header shape the challenge of a public resource', async () => {
    for (const host of ['127.0.0.1:8000', 'localhost', 'evil.example']) {
      const result = rejected(await authenticate({ authRequired: true }, { host }));
      expect(result.headers['WWW-Authenticate']).toBe(CHALLENGE);
    }
  });
});

describe('derived defaults follow what they derive from', () => {
  it('a configuration rebuilt with another resource URL accepts tokens for that one', async () => {
    const other = 'https://other.example.com/mcp';
    const loaded = loadConfig({ MCP_JWT_ISSUER: ISSUER, MCP_JWT_PUBLIC_KEY: rsa.spki, MCP_RESOURCE_URL: RESOURCE });
    const authenticator = await createAuthenticator({ ...loaded, resourceUrl: other });
    try {
      const forOther = await mint(rsa.privateKey, 'RS256', { aud: other });
      const forOld = await mint(rsa.privateKey, 'RS256', { aud: RESOURCE });
      expect((await authenticator.authenticate({ method: 'POST', ...bearer(forOther) })).outcome).toBe('authenticated');
      expect((await authenticator.authenticate({ method: 'POST', ...bearer(forOld) })).outcome).toBe('rejected');
    } finally {
      await authenticator.close();
    }
  });
});

describe('a failure inside authenticate', () => {
  it('fails closed with the 503 JSON every adapter sends, logged at error level with its cause', async () => {
    const errors: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error(obj: object, msg?: string) {
        errors.push({ obj: obj as Record<string, unknown>, msg });
      },
    };
    const authenticator = await createAuthenticator(base({ apiKeys: ['secret-key-1'] }), { logger });
    try {
      // A request whose header getter throws stands for a bug on the way into the decision.
      const broken = {
        method: 'POST',
        path: '/mcp',
        get authorization(): string {
          throw new Error('header getter exploded');
        },
      };
      const result = rejected(await authenticator.authenticate(broken));
      expect(result.status).toBe(503);
      expect(result.body).toEqual(UNEXPECTED_FAILURE.body);
      expect(result.headers['Retry-After']).toBe(UNEXPECTED_FAILURE.headers['Retry-After']);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.msg).toBe('unexpected failure while authenticating');
      expect(errors[0]!.obj).toMatchObject({ cause: 'Error: header getter exploded', method: 'POST', path: '/mcp' });
    } finally {
      await authenticator.close();
    }
  });
});

describe('an API key sent as a bearer token', () => {
  // A JOSE header ({"alg":"none"}), so the token takes the JWT path before it is found to be a key.
  const jwtShapedKey = 'eyJhbGciOiJub25lIn0.e30.c2ln';
  it.each([
    [
      'next to introspection (keys are tried before the token leaves)',
      {
        oauthIntrospectionEndpoint: 'https://auth.example.com/introspect',
        oauthClientId: 'rs',
        oauthClientSecret: 'rs-secret',
      },
      'opaque-key-2',
    ],
    ['JWT-shaped, with JWT validation off', { jwtEnabled: false }, jwtShapedKey],
    ['without introspection', {}, 'opaque-key-2'],
  ] as [string, WardenOptions, string][])('is hashed once per request: %s', async (_, options, key) => {
    const crypto = process.getBuiltinModule('node:crypto');
    const authenticator = await createAuthenticator(
      base({ apiKeys: ['opaque-key-1', 'opaque-key-2', jwtShapedKey], ...options }),
    );
    const spy = vi.spyOn(crypto, 'createHash');
    try {
      const result = await authenticator.authenticate({ method: 'POST', ...bearer(key) });
      expect(result.outcome).toBe('authenticated');
      expect(spy.mock.calls.filter(([algorithm]) => algorithm === 'sha256')).toHaveLength(1);
    } finally {
      spy.mockRestore();
      await authenticator.close();
    }
  });
});

describe('start-up warnings through the logger', () => {
  async function warningsOf(input: WardenOptions | ReturnType<typeof loadConfig>): Promise<string[]> {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg?: string) => warnings.push(msg ?? '') };
    const authenticator = await createAuthenticator(input, { logger });
    await authenticator.close();
    return warnings;
  }

  it('optional authentication with credentials configured says anonymous requests get through, naming the setting', async () => {
    expect(await warningsOf(loadConfig({ MCP_API_KEYS: 'key1' }))).toEqual([
      expect.stringContaining('set MCP_AUTH_REQUIRED=true to refuse them'),
    ]);
    expect(await warningsOf({ apiKeys: ['key1'] })).toEqual([expect.stringContaining('set authRequired: true')]);
    expect(await warningsOf({ apiKeys: ['key1'], authRequired: true })).toEqual([]);
    expect(await warningsOf(loadConfig({ MCP_API_KEYS: 'key1', MCP_AUTH_REQUIRED: 'true' }))).toEqual([]);
  });

  it('warns that JWT has nothing to verify with only when JWT was turned on, or nothing else authenticates', async () => {
    expect(await warningsOf(loadConfig({ MCP_API_KEYS: 'key1', MCP_AUTH_REQUIRED: 'true' }))).toEqual([]);
    expect(
      await warningsOf(loadConfig({ MCP_API_KEYS: 'key1', MCP_AUTH_REQUIRED: 'true', MCP_JWT_ENABLED: 'true' })),
    ).toEqual([
      expect.stringContaining('set MCP_JWT_ISSUER, MCP_OAUTH_JWKS_URI, MCP_JWT_PUBLIC_KEY or MCP_JWT_SECRET'),
    ]);
    expect(await warningsOf({ authRequired: true, jwtAlgorithms: ['RS256'], apiKeys: ['k'] })).toEqual([
      expect.stringContaining('set jwtIssuer, oauthJwksUri, jwtPublicKey or jwtSecret'),
    ]);
    expect(await warningsOf({ authRequired: true })).toHaveLength(1);
  });
});
