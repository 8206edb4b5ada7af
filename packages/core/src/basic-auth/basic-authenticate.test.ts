// HTTP Basic (RFC 7617) through the authenticate decision: the AuthInfo a handler sees, the
// challenges beside Bearer (RFC 9110 §11.6.1), 400 for malformed credentials, the same 401 for an
// unknown user and a wrong password, and scopes as API keys get them.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthRequest, AuthResult, RouteAuthOptions } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import { MAX_CREDENTIAL_LENGTH } from '../authenticate/credential-length.js';
import type { WardenOptions } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const ALICE_PASSWORD = 'alice-password-0123456789';
const BOB_PASSWORD = 'bob:password:with:colons';
const BOB_DIGEST = createHash('sha256').update(BOB_PASSWORD).digest('hex');
const USERS = [`alice:${ALICE_PASSWORD}`, `bob:sha256:${BOB_DIGEST}`];
const BASIC_CHALLENGE = `Basic realm="${RESOURCE}", charset="UTF-8"`;

const basic = (user: string, password: string): Partial<AuthRequest> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

async function authenticate(
  options: WardenOptions,
  request: Partial<AuthRequest>,
  route?: RouteAuthOptions,
): Promise<AuthResult> {
  const authenticator = await createAuthenticator({ resourceUrl: RESOURCE, basicAuthUsers: USERS, ...options });
  try {
    const result = await authenticator.authenticate({ method: 'POST', ...request }, route);
    return request.body === undefined
      ? result
      : authenticator.authorizeToolCall(result, { method: 'POST', ...request }, route);
  } finally {
    await authenticator.close();
  }
}

function rejected(result: AuthResult) {
  if (result.outcome !== 'rejected') throw new Error(`expected a rejection, got ${result.outcome}`);
  return result;
}

describe('HTTP Basic credentials', () => {
  it('a configured user and password authenticate: method basic, the user as client id and subject', async () => {
    const result = await authenticate({ scopesSupported: ['mcp:tools'] }, basic('alice', ALICE_PASSWORD));
    expect(result).toEqual({
      outcome: 'authenticated',
      authInfo: {
        token: Buffer.from(`alice:${ALICE_PASSWORD}`).toString('base64'),
        clientId: 'alice',
        scopes: ['mcp:tools'],
        resource: new URL(RESOURCE),
        extra: { method: 'basic', subject: 'alice' },
      },
    });
  });

  it('a user configured by digest authenticates with its password, colons included', async () => {
    const result = await authenticate({}, basic('bob', BOB_PASSWORD));
    expect(result.outcome === 'authenticated' && result.authInfo.clientId).toBe('bob');
  });

  it('the scheme in any case and several spaces are accepted', async () => {
    const credentials = Buffer.from(`alice:${ALICE_PASSWORD}`).toString('base64');
    expect((await authenticate({}, { authorization: `bAsIc   ${credentials}` })).outcome).toBe('authenticated');
  });

  it('a wrong password, an unknown user and a case-changed user id get the same 401', async () => {
    const answers = await Promise.all([
      authenticate({}, basic('alice', `${ALICE_PASSWORD}x`)),
      authenticate({}, basic('mallory', ALICE_PASSWORD)),
      authenticate({}, basic('Alice', ALICE_PASSWORD)),
      authenticate({}, basic('bob', BOB_DIGEST)), // the digest is not the password
      authenticate({}, basic('alice', '')),
    ]);
    for (const answer of answers) {
      const result = rejected(answer);
      expect(result.status).toBe(401);
      expect(result.error.code).toBe('ERR_BASIC_CREDENTIALS_INVALID');
      expect(result.body).toEqual({ error: 'invalid_token', error_description: 'Could not validate credentials' });
      expect(result.headers).toEqual({
        'WWW-Authenticate': `Bearer resource_metadata="${PRM}", error="invalid_token", error_description="Could not validate credentials", ${BASIC_CHALLENGE}`,
      });
    }
  });

  it('a request without credentials is challenged with Bearer first and Basic beside it', async () => {
    const result = rejected(await authenticate({ authRequired: true, requiredScopes: ['mcp:tools'] }, {}));
    expect(result.status).toBe(401);
    expect(result.headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}", scope="mcp:tools", ${BASIC_CHALLENGE}`,
    );
  });

  it.each([
    ['Basic', 'The Authorization header must be "Basic <base64 of user-id:password>" (RFC 7617)'],
    ['Basic %%%', 'The Authorization header must be "Basic <base64 of user-id:password>" (RFC 7617)'],
    [
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'The Authorization header must be "Basic <base64 of user-id:password>" (RFC 7617)',
    ],
    [
      `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`,
      'The Basic credentials must be UTF-8 (RFC 7617 §2.1)',
    ],
  ])('%j is 400 invalid_request with both challenges', async (authorization, description) => {
    const result = rejected(await authenticate({}, { authorization }));
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: 'invalid_request', error_description: description });
    expect(result.headers['WWW-Authenticate']).toMatch(/^Bearer resource_metadata="[^"]+", error="invalid_request"/);
    expect(result.headers['WWW-Authenticate']).toMatch(
      /, Basic realm="https:\/\/mcp\.example\.com\/mcp", charset="UTF-8"$/,
    );
  });

  it('an oversized Basic header is refused with 401 before it is decoded', async () => {
    const result = rejected(
      await authenticate({}, { authorization: `Basic ${'QUFB'.repeat(MAX_CREDENTIAL_LENGTH / 4 + 32)}` }),
    );
    expect(result.status).toBe(401);
    expect(result.error.code).toBe('ERR_CREDENTIALS_INVALID');
  });

  it('Basic users carry every configured scope, so route, required and tool scopes never refuse them', async () => {
    const options: WardenOptions = {
      authRequired: true,
      requiredScopes: ['mcp:tools'],
      scopesSupported: ['mcp:tools', 'mcp:read'],
      toolScopes: { deploy: ['mcp:deploy'] },
    };
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'deploy', arguments: {} } };
    const result = await authenticate(options, { ...basic('alice', ALICE_PASSWORD), body });
    expect(result.outcome === 'authenticated' && result.authInfo.scopes).toEqual([
      'mcp:tools',
      'mcp:read',
      'mcp:deploy',
    ]);
    const admin = await authenticate(options, basic('alice', ALICE_PASSWORD), { requiredScopes: ['mcp:admin'] });
    expect(admin.outcome).toBe('authenticated');
  });

  it('a well-formed Basic header decides over X-API-Key; a malformed one leaves X-API-Key to decide', async () => {
    const options = { apiKeys: ['the-api-key'] };
    const wrongBasic = rejected(await authenticate(options, { ...basic('alice', 'wrong'), apiKey: 'the-api-key' }));
    expect(wrongBasic.error.code).toBe('ERR_BASIC_CREDENTIALS_INVALID');
    const malformed = await authenticate(options, { authorization: 'Basic %%%', apiKey: 'the-api-key' });
    expect(malformed.outcome === 'authenticated' && malformed.authInfo.extra?.method).toBe('api_key');
  });

  it('a Bearer token still goes to the bearer verifiers, and its 401 offers Basic too', async () => {
    const result = rejected(await authenticate({}, { authorization: 'Bearer not-a-configured-key' }));
    expect(result.status).toBe(401);
    expect(result.headers['WWW-Authenticate']).toMatch(/^Bearer resource_metadata=.*, Basic realm=/);
  });

  it('a 403 and a 503 carry no Basic challenge: there is nothing a Basic client could do about them', async () => {
    const authenticator = await createAuthenticator({
      resourceUrl: RESOURCE,
      basicAuthUsers: USERS,
      oauthJwksUri: 'http://127.0.0.1:1/jwks.json',
      jwtIssuer: 'http://127.0.0.1:1',
      apiKeys: ['k'],
    });
    try {
      const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6Im5vbmUifQ.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjEifQ.c2ln';
      const unavailable = rejected(
        await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` }),
      );
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers['WWW-Authenticate']).not.toContain('Basic');
    } finally {
      await authenticator.close();
    }
  });

  it('without configured users, the Basic scheme is refused as before (400, Bearer challenge only)', async () => {
    const result = rejected(await authenticate({ basicAuthUsers: [] }, basic('alice', ALICE_PASSWORD)));
    expect(result.status).toBe(400);
    expect(result.body.error_description).toBe('The Authorization header must use the Bearer scheme');
    expect(result.headers['WWW-Authenticate']).not.toContain('Basic');
  });

  it('a loopback resource names the spelling the client used in the realm, as in resource_metadata', async () => {
    const authenticator = await createAuthenticator({
      resourceUrl: 'http://localhost:8000/mcp',
      basicAuthUsers: USERS,
      authRequired: true,
    });
    try {
      const result = rejected(await authenticator.authenticate({ method: 'POST', host: '127.0.0.1:8000' }));
      expect(result.headers['WWW-Authenticate']).toBe(
        'Bearer resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp", Basic realm="http://127.0.0.1:8000/mcp", charset="UTF-8"',
      );
    } finally {
      await authenticator.close();
    }
  });

  it('never logs a password; a rejection log names its code', async () => {
    const lines: string[] = [];
    const record = (level: string) => (fields: object, msg?: string) =>
      lines.push(`${level} ${msg} ${JSON.stringify(fields)}`);
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const authenticator = await createAuthenticator(
      loadConfig({ MCP_RESOURCE_URL: RESOURCE, MCP_BASIC_AUTH_USERS: USERS.join(','), MCP_AUTH_REQUIRED: 'true' }),
      { logger },
    );
    try {
      for (const request of [
        basic('alice', ALICE_PASSWORD),
        basic('alice', 'wrong-password-guess'),
        basic('bob', BOB_PASSWORD),
      ]) {
        await authenticator.authenticate({ method: 'POST', ...request });
      }
    } finally {
      await authenticator.close();
    }
    const text = lines.join('\n');
    expect(text).toContain('ERR_BASIC_CREDENTIALS_INVALID');
    for (const secret of [ALICE_PASSWORD, 'wrong-password-guess', BOB_PASSWORD, BOB_DIGEST])
      expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`alice:${ALICE_PASSWORD}`).toString('base64'));
  });
});

describe('start-up warnings about Basic users', () => {
  async function warningsOf(env: Record<string, string>): Promise<string[]> {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg?: string) => warnings.push(msg ?? '') };
    const authenticator = await createAuthenticator(loadConfig(env), { logger });
    await authenticator.close();
    return warnings;
  }

  it('Basic users alone: only the optional-authentication warning, none about JWT keys', async () => {
    expect(await warningsOf({ MCP_BASIC_AUTH_USERS: USERS[0]! })).toEqual([
      expect.stringContaining('set MCP_AUTH_REQUIRED=true'),
    ]);
    expect(await warningsOf({ MCP_BASIC_AUTH_USERS: USERS[0]!, MCP_AUTH_REQUIRED: 'true' })).toEqual([]);
  });

  it('plain http on a network host (MCP_ALLOW_INSECURE_HTTP) is warned about, naming MCP_BASIC_AUTH_USERS; loopback is not', async () => {
    const insecure = await warningsOf({
      MCP_BASIC_AUTH_USERS: USERS[0]!,
      MCP_AUTH_REQUIRED: 'true',
      MCP_ALLOW_INSECURE_HTTP: 'true',
      MCP_RESOURCE_URL: 'http://mcp.internal.example:8000/mcp',
    });
    expect(insecure).toEqual([
      expect.stringMatching(/^MCP_BASIC_AUTH_USERS is set while the resource URL is plain http/),
    ]);
    expect(
      await warningsOf({
        MCP_BASIC_AUTH_USERS: USERS[0]!,
        MCP_AUTH_REQUIRED: 'true',
        MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp',
      }),
    ).toEqual([]);
  });
});
