/**
 * The behaviour every adapter must show, as data: a request in, and what a client observes
 * (status, headers, challenge, JSON body) plus the `AuthInfo` the route handler received. Each
 * case names the docs/architecture.md semantics-table row or the docs/requirements.md section it covers.
 *
 * @module
 */

import {
  ALLOWED_ORIGIN,
  API_KEY,
  BASIC_DIGEST_USER,
  BASIC_USER,
  basicAuthorization,
  DPOP_ALGS,
  dpopProof,
  type Fixtures,
  ISSUER,
  type ProofOptions,
  RESOURCE_URL,
  SCOPES_SUPPORTED,
} from './__fixtures__/keys-and-tokens.js';
import type { CaseRequest, ObservedResponse } from './http-exchange.js';
import { type ScenarioName, SMALL_BODY_LIMIT } from './scenarios.js';

/** What a client must observe. Unset fields are not checked (the cross-adapter comparison still is). */
export interface Expectation {
  status: number;
  /** On a 200 from a route: the `AuthInfo` the handler saw (partial match), `null` when anonymous. */
  auth?: Record<string, unknown> | null | ((fx: Fixtures) => Record<string, unknown>);
  /** On a rejection: the JSON body's `error`. */
  error?: string;
  /** On a rejection: the exact `error_description`, where docs/compatibility.md or docs/architecture.md promises one. */
  description?: string;
  /**
   * Parameters besides `resource_metadata` (always checked) of the challenge answering the request:
   * the `DPoP` one when the request used that scheme, else the first. `null` = absent.
   */
  challenge?: { error?: string | null; scope?: string | null };
  /** The challenge schemes in order (default: the scenario's, `challengeSchemes` in scenarios.ts). */
  schemes?: string[];
  /** Exact header values (`RegExp` to match, `null` = absent). Names lower-case. */
  headers?: Record<string, string | RegExp | null>;
  /** Header lists (comma-separated) that must contain these entries, case-insensitively. */
  headerLists?: Record<string, string[]>;
  /** The exact JSON body. */
  json?: unknown;
  /** No body at all (HEAD, 204). */
  empty?: boolean;
  /** A refusal of the request's body, not of its credentials: no `WWW-Authenticate` challenge. */
  bodyRefusal?: boolean;
}

export interface ConformanceCase {
  name: string;
  /** docs/architecture.md table rows (`table: ...`) and docs/requirements.md sections (`challenges`). */
  covers: string[];
  scenario: ScenarioName;
  /**
   * The request whose answer is checked. `send` delivers earlier requests to the same application
   * first, for cases about a sequence (a replayed proof, a nonce obtained from a challenge).
   */
  request: (
    fx: Fixtures,
    send: (request: CaseRequest) => Promise<ObservedResponse>,
  ) => CaseRequest | Promise<CaseRequest>;
  expect: Expectation;
}

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const apiKey = (key: string): [string, string] => ['X-API-Key', key];
const rpc = (method: string, params?: Record<string, unknown>) => ({ jsonrpc: '2.0', id: 1, method, params });
const toolsCall = (name: string) => rpc('tools/call', { name, arguments: {} });
const post = (path: string, headers: [string, string][] = [], json: unknown = rpc('tools/list')): CaseRequest => ({
  method: 'POST',
  path,
  headers,
  json,
});

const PRM_PATH = '/.well-known/oauth-protected-resource/mcp';
const PRM_ROOT_PATH = '/.well-known/oauth-protected-resource';
const AS_PATH = '/.well-known/oauth-authorization-server';
/** RFC 9728 §2 document for the configured resource: exact strings, no `offline_access`. */
const PRM_DOCUMENT = {
  resource: RESOURCE_URL,
  authorization_servers: [ISSUER],
  bearer_methods_supported: ['header'],
  scopes_supported: SCOPES_SUPPORTED,
  dpop_signing_alg_values_supported: DPOP_ALGS.split(' '),
};
/** Every request header of every MCP revision (2025-03-26 to 2026-07-28) and credential kind. */
const MCP_REQUEST_HEADERS = [
  'Authorization',
  'X-API-Key',
  'DPoP',
  'Content-Type',
  'Mcp-Protocol-Version',
  'Mcp-Session-Id',
  'Last-Event-ID',
  'Mcp-Method',
  'Mcp-Name',
];
/** Response headers script must be able to read. */
const MCP_EXPOSED_HEADERS = ['WWW-Authenticate', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'DPoP-Nonce'];
const OTHER_ORIGIN = 'https://evil.example.net';
/** A preflight as Chromium sends it for a 2026-07-28 `tools/call` with a tool's `Mcp-Param-*` header. */
const preflight = (
  origin: string,
  requested = 'authorization,content-type,mcp-method,mcp-name,mcp-param-region,mcp-protocol-version',
): CaseRequest => ({
  method: 'OPTIONS',
  path: '/mcp',
  headers: [
    ['Origin', origin],
    ['Access-Control-Request-Method', 'POST'],
    ['Access-Control-Request-Headers', requested],
  ],
});
const PREFLIGHT = preflight(ALLOWED_ORIGIN);
const JWT_CALLER = {
  clientId: 'client-full',
  scopes: SCOPES_SUPPORTED,
  extra: { method: 'jwt', subject: 'user-42', issuer: ISSUER },
};
const API_KEY_CALLER = { clientId: 'api_key:1', extra: { method: 'api_key' } };
const basicAuth = (user: string, password: string): [string, string] => [
  'Authorization',
  basicAuthorization(user, password),
];
const ADA = basicAuth(BASIC_USER.user, BASIC_USER.password);
/** A Basic user carries every configured scope, as an API key does. */
const ADA_CALLER = { clientId: 'ada', scopes: SCOPES_SUPPORTED, extra: { method: 'basic', subject: 'ada' } };
const MALFORMED_BASIC = 'The Authorization header must be "Basic <base64 of user-id:password>" (RFC 7617)';

/** `Authorization: DPoP <token>` and a fresh proof by the client's key (RFC 9449 §7.1). */
async function withProof(
  fx: Fixtures,
  proof: Partial<ProofOptions> & { key?: 'client' | 'thief' } = {},
  path = '/mcp',
  token = fx.tokens.dpopBound,
): Promise<CaseRequest> {
  const key = fx.dpop[proof.key ?? 'client'];
  const header = await dpopProof(key, { token, path: path.split('?')[0], ...proof });
  return post(path, [
    ['Authorization', `DPoP ${token}`],
    ['DPoP', header],
  ]);
}
const DPOP_CALLER = (fx: Fixtures) => ({
  clientId: 'client-dpop',
  extra: { method: 'jwt', cnf: { jkt: fx.dpop.client.jkt } },
});

export const CASES: ConformanceCase[] = [
  // ---- docs/architecture.md: MCP_AUTH_ENABLED=false -------------------------------------------------------
  {
    name: 'auth disabled: a request without credentials passes as anonymous',
    covers: ['table: MCP_AUTH_ENABLED=false'],
    scenario: 'disabled',
    request: () => post('/mcp'),
    expect: { status: 200, auth: null },
  },
  {
    name: 'auth disabled: even invalid credentials pass as anonymous',
    covers: ['table: MCP_AUTH_ENABLED=false'],
    scenario: 'disabled',
    request: (fx) => post('/mcp', [bearer(fx.tokens.expired)]),
    expect: { status: 200, auth: null },
  },
  {
    name: 'auth disabled: tools/call of a scoped tool and a required-auth route pass as anonymous',
    covers: ['table: MCP_AUTH_ENABLED=false', 'step-up for tools'],
    scenario: 'disabled',
    request: () => post('/strict', [], toolsCall('deploy')),
    expect: { status: 200, auth: null },
  },

  // ---- docs/architecture.md: enabled, not required --------------------------------------------------------
  {
    name: 'optional auth: no credentials pass as anonymous',
    covers: ['table: enabled, not required, no credentials'],
    scenario: 'optional',
    request: () => post('/mcp'),
    expect: { status: 200, auth: null },
  },
  {
    name: 'optional auth: a valid JWT still authenticates',
    covers: ['table: enabled, not required, no credentials'],
    scenario: 'optional',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: { status: 200, auth: JWT_CALLER },
  },
  {
    name: 'optional auth: an invalid API key is a 401, never downgraded to anonymous',
    covers: ['table: enabled, not required, invalid credentials', 'challenges'],
    scenario: 'optional',
    request: () => post('/mcp', [apiKey('not-the-key')]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'optional auth: an expired JWT is a 401, never downgraded to anonymous',
    covers: ['table: enabled, not required, invalid credentials', 'time claims'],
    scenario: 'optional',
    request: (fx) => post('/mcp', [bearer(fx.tokens.expired)]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'optional auth: tools/call of a scoped tool without credentials gets the 401 with its scope',
    covers: ['table: auth required, no credentials', 'challenges', 'step-up for tools'],
    scenario: 'optional',
    request: () => post('/mcp', [], toolsCall('deploy')),
    expect: { status: 401, challenge: { error: null, scope: 'mcp:deploy' } },
  },
  {
    name: 'optional auth: tools/call of an unscoped tool without credentials passes as anonymous',
    covers: ['step-up for tools'],
    scenario: 'optional',
    request: () => post('/mcp', [], toolsCall('echo')),
    expect: { status: 200, auth: null },
  },
  {
    name: 'route override required: true turns optional auth into required',
    covers: ['table: auth required, no credentials', 'route overrides'],
    scenario: 'optional',
    request: () => post('/strict'),
    expect: { status: 401, challenge: { error: null } },
  },

  // ---- docs/architecture.md: auth required ----------------------------------------------------------------
  {
    name: 'required auth: no credentials get 401 with resource_metadata and no error code',
    covers: ['table: auth required, no credentials', 'challenges'],
    scenario: 'required',
    request: () => post('/mcp'),
    expect: {
      status: 401,
      challenge: { error: null, scope: null },
      headerLists: { 'access-control-expose-headers': ['WWW-Authenticate'] },
    },
  },
  {
    name: 'required auth: a GET (SSE stream) without credentials is challenged too',
    covers: ['table: auth required, no credentials', 'every request authenticated'],
    scenario: 'required',
    request: () => ({ method: 'GET', path: '/mcp', headers: [['Accept', 'text/event-stream']] }),
    expect: { status: 401, challenge: { error: null } },
  },
  {
    name: 'required auth: a valid JWT reaches the handler with its AuthInfo',
    covers: ['API key and JWT side by side', 'scopes and client identity'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: {
      status: 200,
      auth: JWT_CALLER,
      headerLists: { 'access-control-expose-headers': ['WWW-Authenticate'] },
    },
  },
  {
    name: 'required auth: a valid API key reaches the handler with its AuthInfo',
    covers: ['API key and JWT side by side', 'API keys'],
    scenario: 'required',
    request: () => post('/mcp', [apiKey(API_KEY)]),
    expect: { status: 200, auth: API_KEY_CALLER },
  },
  {
    name: 'required auth: the API key also works as a Bearer token',
    covers: ['API key and JWT side by side', 'API keys'],
    scenario: 'required',
    request: () => post('/mcp', [bearer(API_KEY)]),
    expect: { status: 200, auth: API_KEY_CALLER },
  },
  {
    name: 'required auth: two X-API-Key headers are refused, not first-wins',
    covers: ['table: invalid token', 'API keys'],
    scenario: 'required',
    request: () => post('/mcp', [apiKey(API_KEY), apiKey('another-key')]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'required auth: a wrong API key is 401 invalid_token',
    covers: ['table: invalid token', 'API keys'],
    scenario: 'required',
    request: () => post('/mcp', [apiKey(`${API_KEY}x`)]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'required auth: an expired JWT is 401 invalid_token, never 403',
    covers: ['table: invalid token', 'insufficient scope', 'time claims'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.expired)]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'required auth: a JWT for another audience is 401 "Invalid token audience"',
    covers: ['table: invalid token', 'audience'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.wrongAudience)]),
    expect: {
      status: 401,
      error: 'invalid_token',
      description: 'Invalid token audience',
      challenge: { error: 'invalid_token' },
    },
  },
  {
    name: 'required auth: a JWT from another issuer is 401 invalid_token',
    covers: ['table: invalid token'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.wrongIssuer)]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'required auth: a JWT signed with an unknown key is 401 invalid_token',
    covers: ['table: invalid token'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.foreignKey)]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'required auth: an unsigned (alg none) JWT is 401 invalid_token',
    covers: ['table: invalid token', 'algorithms'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.unsigned)]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'JWT disabled: a JWT is 401 "JWT authentication is not enabled" while the API key works',
    covers: ['table: invalid token', 'API key and JWT side by side'],
    scenario: 'jwt-disabled',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: { status: 401, error: 'invalid_token', description: 'JWT authentication is not enabled' },
  },
  {
    name: 'JWT disabled: the API key still authenticates',
    covers: ['API key and JWT side by side'],
    scenario: 'jwt-disabled',
    request: () => post('/mcp', [apiKey(API_KEY)]),
    expect: { status: 200, auth: API_KEY_CALLER },
  },

  // ---- docs/architecture.md: malformed Authorization (400 invalid_request) -------------------------------
  {
    name: 'malformed Authorization: another scheme is 400 invalid_request',
    covers: ['table: malformed Authorization header'],
    scenario: 'required',
    request: () => post('/mcp', [['Authorization', 'Basic dXNlcjpwYXNz']]),
    expect: { status: 400, error: 'invalid_request', challenge: { error: 'invalid_request' } },
  },
  {
    name: 'malformed Authorization: Bearer without a token is 400 invalid_request',
    covers: ['table: malformed Authorization header'],
    scenario: 'required',
    request: () => post('/mcp', [['Authorization', 'Bearer ']]),
    expect: { status: 400, error: 'invalid_request', challenge: { error: 'invalid_request' } },
  },
  {
    name: 'malformed Authorization: two Authorization headers are 400 invalid_request, not first-wins',
    covers: ['table: malformed Authorization header'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full), bearer(fx.tokens.read)]),
    expect: { status: 400, error: 'invalid_request', challenge: { error: 'invalid_request' } },
  },
  {
    name: 'lenient Authorization: scheme in any case and several spaces still authenticate',
    covers: ['table: malformed Authorization header'],
    scenario: 'required',
    request: (fx) => post('/mcp', [['Authorization', `bEaReR   ${fx.tokens.full}`]]),
    expect: { status: 200, auth: JWT_CALLER },
  },

  // ---- RFC 7617: HTTP Basic users beside OAuth and API keys (docs/authentication.md) ---------------------
  {
    name: 'Basic: a configured user and password reach the handler, the user as client id and subject',
    covers: ['HTTP Basic', 'scopes and client identity'],
    scenario: 'basic',
    request: () => post('/mcp', [ADA]),
    expect: { status: 200, auth: ADA_CALLER },
  },
  {
    name: 'Basic: a user configured by digest, user id and password in UTF-8, a colon in the password',
    covers: ['HTTP Basic'],
    scenario: 'basic',
    request: () => post('/mcp', [basicAuth(BASIC_DIGEST_USER.user, BASIC_DIGEST_USER.password)]),
    expect: { status: 200, auth: { clientId: 'zoë', extra: { method: 'basic', subject: 'zoë' } } },
  },
  {
    name: 'Basic: the scheme in any case and several spaces',
    covers: ['HTTP Basic'],
    scenario: 'basic',
    request: () => post('/mcp', [['Authorization', ADA[1].replace('Basic ', 'bASIC   ')]]),
    expect: { status: 200, auth: ADA_CALLER },
  },
  {
    name: 'Basic: no credentials get 401 with Bearer first, then DPoP, then the Basic realm',
    covers: ['HTTP Basic', 'table: auth required, no credentials', 'challenges'],
    scenario: 'basic',
    request: () => post('/mcp'),
    expect: {
      status: 401,
      challenge: { error: null, scope: null },
      headerLists: { 'access-control-expose-headers': ['WWW-Authenticate'] },
    },
  },
  {
    name: 'Basic: a wrong password is 401 "Could not validate credentials"',
    covers: ['HTTP Basic', 'table: invalid token'],
    scenario: 'basic',
    request: () => post('/mcp', [basicAuth(BASIC_USER.user, `${BASIC_USER.password}-guess`)]),
    expect: {
      status: 401,
      error: 'invalid_token',
      description: 'Could not validate credentials',
      challenge: { error: 'invalid_token' },
    },
  },
  {
    name: 'Basic: an unknown user gets the very answer of a wrong password',
    covers: ['HTTP Basic', 'table: invalid token'],
    scenario: 'basic',
    request: () => post('/mcp', [basicAuth('mallory', BASIC_USER.password)]),
    expect: {
      status: 401,
      error: 'invalid_token',
      description: 'Could not validate credentials',
      challenge: { error: 'invalid_token' },
    },
  },
  {
    name: 'Basic: wrong credentials on a route that does not require authentication are still a 401',
    covers: ['HTTP Basic', 'table: enabled, not required, invalid credentials'],
    scenario: 'basic',
    request: () => post('/optional', [basicAuth('ada', 'not-the-password-at-all')]),
    expect: { status: 401, error: 'invalid_token' },
  },
  {
    name: 'Basic: credentials that are not base64 are 400 invalid_request',
    covers: ['HTTP Basic', 'table: malformed Authorization header'],
    scenario: 'basic',
    request: () => post('/mcp', [['Authorization', 'Basic ada:password']]),
    expect: {
      status: 400,
      error: 'invalid_request',
      description: MALFORMED_BASIC,
      challenge: { error: 'invalid_request' },
    },
  },
  {
    name: 'Basic: base64 without a colon is 400 invalid_request',
    covers: ['HTTP Basic', 'table: malformed Authorization header'],
    scenario: 'basic',
    request: () => post('/mcp', [['Authorization', `Basic ${Buffer.from('ada').toString('base64')}`]]),
    expect: { status: 400, error: 'invalid_request', description: MALFORMED_BASIC },
  },
  {
    name: 'Basic: credentials that are not UTF-8 are 400 invalid_request',
    covers: ['HTTP Basic', 'table: malformed Authorization header'],
    scenario: 'basic',
    request: () =>
      post('/mcp', [['Authorization', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`]]),
    expect: {
      status: 400,
      error: 'invalid_request',
      description: 'The Basic credentials must be UTF-8 (RFC 7617 §2.1)',
    },
  },
  {
    name: 'Basic: two Authorization headers are 400 invalid_request, not first-wins',
    covers: ['HTTP Basic', 'table: malformed Authorization header'],
    scenario: 'basic',
    request: () => post('/mcp', [ADA, ADA]),
    expect: { status: 400, error: 'invalid_request' },
  },
  {
    name: 'Basic: a user carries every configured scope, so a scoped tool and a scoped route pass',
    covers: ['HTTP Basic', 'step-up for tools'],
    scenario: 'basic',
    request: () => post('/admin', [ADA], toolsCall('deploy')),
    expect: { status: 200, auth: ADA_CALLER },
  },
  {
    name: 'Basic: a JWT still authenticates beside Basic users',
    covers: ['HTTP Basic', 'API key and JWT side by side'],
    scenario: 'basic',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: { status: 200, auth: JWT_CALLER },
  },
  {
    name: 'Basic: an expired JWT is 401 invalid_token, offering Basic too',
    covers: ['HTTP Basic', 'table: invalid token'],
    scenario: 'basic',
    request: (fx) => post('/mcp', [bearer(fx.tokens.expired)]),
    expect: { status: 401, error: 'invalid_token', challenge: { error: 'invalid_token' } },
  },
  {
    name: 'Basic: a JWT lacking a scope is 403 without the Basic challenge',
    covers: ['HTTP Basic', 'insufficient scope'],
    scenario: 'basic',
    request: (fx) => post('/admin', [bearer(fx.tokens.deploy)]),
    expect: {
      status: 403,
      error: 'insufficient_scope',
      challenge: { error: 'insufficient_scope', scope: 'mcp:admin' },
    },
  },
  {
    name: 'Basic: the API key still authenticates',
    covers: ['HTTP Basic', 'API keys'],
    scenario: 'basic',
    request: () => post('/mcp', [apiKey(API_KEY)]),
    expect: { status: 200, auth: API_KEY_CALLER },
  },
  {
    name: 'Basic: a browser reads the 401 with every challenge (WWW-Authenticate exposed)',
    covers: ['HTTP Basic', 'browser clients'],
    scenario: 'basic',
    request: () => post('/mcp', [['Origin', ALLOWED_ORIGIN]]),
    expect: {
      status: 401,
      headers: { 'access-control-allow-origin': '*' },
      headerLists: { 'access-control-expose-headers': MCP_EXPOSED_HEADERS },
    },
  },
  {
    name: 'Basic: the preflight admits Authorization before authentication',
    covers: ['HTTP Basic', 'table: CORS preflight'],
    scenario: 'basic',
    request: () => PREFLIGHT,
    expect: { status: 204, empty: true, headerLists: { 'access-control-allow-headers': ['Authorization'] } },
  },

  // ---- RFC 6750 §3.1: scopes (403) -------------------------------------------------------------------------
  {
    name: 'required scopes: no credentials get 401 naming every required scope, no error code',
    covers: ['table: auth required, no credentials', 'challenges'],
    scenario: 'scoped',
    request: () => post('/mcp'),
    expect: { status: 401, challenge: { error: null, scope: 'mcp:read mcp:write' } },
  },
  {
    name: 'required scopes: a token lacking one gets 403 insufficient_scope listing all needed scopes',
    covers: ['table: valid token lacking a required scope', 'insufficient scope'],
    scenario: 'scoped',
    request: (fx) => post('/mcp', [bearer(fx.tokens.read)]),
    expect: {
      status: 403,
      error: 'insufficient_scope',
      challenge: { error: 'insufficient_scope', scope: 'mcp:read mcp:write' },
    },
  },
  {
    name: 'required scopes: a token with all of them passes',
    covers: ['insufficient scope'],
    scenario: 'scoped',
    request: (fx) => post('/mcp', [bearer(fx.tokens.readWrite)]),
    expect: { status: 200, auth: { clientId: 'client-read-write', scopes: ['mcp:read', 'mcp:write'] } },
  },
  {
    name: 'route override requiredScopes: the admin route asks for mcp:admin',
    covers: ['insufficient scope', 'route overrides'],
    scenario: 'required',
    request: (fx) => post('/admin', [bearer(fx.tokens.deploy)]),
    expect: {
      status: 403,
      error: 'insufficient_scope',
      challenge: { error: 'insufficient_scope', scope: 'mcp:admin' },
    },
  },
  {
    name: 'route override requiredScopes: no credentials on the admin route get the scope in the 401',
    covers: ['challenges', 'route overrides'],
    scenario: 'required',
    request: () => post('/admin'),
    expect: { status: 401, challenge: { error: null, scope: 'mcp:admin' } },
  },
  {
    name: 'route override required: false makes one route optional under required auth',
    covers: ['table: enabled, not required, no credentials', 'route overrides'],
    scenario: 'required',
    request: () => post('/optional'),
    expect: { status: 200, auth: null },
  },
  {
    name: 'a public route is never authenticated',
    covers: ['route overrides'],
    scenario: 'required',
    request: () => post('/public', [bearer('garbage')]),
    expect: { status: 200, auth: null },
  },

  // ---- docs/requirements.md, "Step-up for tools": tools/call step-up ------------------------------------------------------------------
  {
    name: 'tools/call step-up: a token without the tool scope gets HTTP 403, not a JSON-RPC error',
    covers: ['step-up for tools', 'insufficient scope'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.readWrite)], toolsCall('deploy')),
    expect: {
      status: 403,
      error: 'insufficient_scope',
      challenge: { error: 'insufficient_scope', scope: 'mcp:deploy' },
    },
  },
  {
    name: 'tools/call step-up: a token with the tool scope reaches the handler',
    covers: ['step-up for tools'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.deploy)], toolsCall('deploy')),
    expect: { status: 200, auth: { clientId: 'client-deploy' } },
  },
  {
    name: 'tools/call step-up: the 403 lists the route scopes and the tool scopes together',
    covers: ['step-up for tools', 'insufficient scope'],
    scenario: 'scoped',
    request: (fx) => post('/mcp', [bearer(fx.tokens.readWrite)], toolsCall('deploy')),
    expect: {
      status: 403,
      error: 'insufficient_scope',
      challenge: { error: 'insufficient_scope', scope: 'mcp:read mcp:write mcp:deploy' },
    },
  },
  {
    name: 'tools/call step-up: a batch is checked message by message',
    covers: ['step-up for tools'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.readWrite)], [rpc('tools/list'), toolsCall('deploy')]),
    expect: { status: 403, challenge: { error: 'insufficient_scope', scope: 'mcp:deploy' } },
  },
  {
    name: 'tools/call step-up: a route toolScopes override replaces the configured map',
    covers: ['step-up for tools', 'route overrides'],
    scenario: 'required',
    request: (fx) => post('/tools', [bearer(fx.tokens.deploy)], toolsCall('wipe')),
    expect: { status: 403, challenge: { error: 'insufficient_scope', scope: 'mcp:admin' } },
  },
  {
    name: 'tools/call step-up: other methods are not checked against tool scopes',
    covers: ['step-up for tools'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.read)], rpc('tools/list')),
    expect: { status: 200, auth: { clientId: 'client-read' } },
  },

  // ---- docs/architecture.md: verifier infrastructure down -------------------------------------------------
  {
    name: 'JWKS down: a JWT gets 503 temporarily_unavailable with Retry-After, never a pass',
    covers: ['table: verifier infrastructure down'],
    scenario: 'jwks-down',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: { status: 503, error: 'temporarily_unavailable', headers: { 'retry-after': /^\d+$/ } },
  },
  {
    name: 'JWKS down: the API key still authenticates',
    covers: ['table: verifier infrastructure down', 'API key and JWT side by side'],
    scenario: 'jwks-down',
    request: () => post('/mcp', [apiKey(API_KEY)]),
    expect: { status: 200, auth: API_KEY_CALLER },
  },
  {
    name: 'an authenticator that throws is answered 503 JSON without a stack, never 500',
    covers: ['never a 500'],
    scenario: 'broken-authenticator',
    request: () => post('/mcp', [apiKey(API_KEY)]),
    expect: {
      status: 503,
      error: 'temporarily_unavailable',
      description: 'Authentication is temporarily unavailable',
      headers: { 'retry-after': '5' },
    },
  },

  // ---- docs/requirements.md, "Browser clients": CORS --------------------------------------------------------------------------------
  {
    name: 'preflight: answered 204 before authentication, every MCP header and the requested Mcp-Param-* allowed',
    covers: ['table: CORS preflight', 'browser clients'],
    scenario: 'required',
    request: () => PREFLIGHT,
    expect: {
      status: 204,
      empty: true,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-max-age': '600',
        vary: 'Access-Control-Request-Headers',
        'www-authenticate': null,
      },
      headerLists: {
        'access-control-allow-headers': [...MCP_REQUEST_HEADERS, 'mcp-param-region'],
        'access-control-allow-methods': ['GET', 'POST', 'DELETE', 'OPTIONS'],
        'access-control-expose-headers': MCP_EXPOSED_HEADERS,
      },
    },
  },
  {
    name: 'preflight: a 2025-11-25 client asking for no header still gets every MCP header',
    covers: ['table: CORS preflight', 'browser clients'],
    scenario: 'required',
    request: () => ({ ...PREFLIGHT, headers: PREFLIGHT.headers?.slice(0, 2) }),
    expect: {
      status: 204,
      empty: true,
      headers: { 'access-control-allow-origin': '*' },
      headerLists: { 'access-control-allow-headers': MCP_REQUEST_HEADERS },
    },
  },
  {
    name: 'preflight: a requested list that is not made of header names is not echoed',
    covers: ['table: CORS preflight', 'browser clients'],
    scenario: 'required',
    request: () => preflight(ALLOWED_ORIGIN, 'mcp-method, x-bad header, *'),
    expect: {
      status: 204,
      empty: true,
      headers: {
        'access-control-allow-headers':
          'Authorization, X-API-Key, DPoP, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID, Mcp-Method, Mcp-Name',
      },
    },
  },
  {
    name: 'preflight: a route that needs scopes is still answered without credentials',
    covers: ['table: CORS preflight', 'browser clients'],
    scenario: 'scoped',
    request: () => ({ ...PREFLIGHT, path: '/admin' }),
    expect: { status: 204, empty: true, headers: { 'access-control-allow-origin': '*' } },
  },
  {
    name: 'CORS: a 401 lets the browser read the challenge',
    covers: ['browser clients', 'challenges'],
    scenario: 'required',
    request: () => post('/mcp', [['Origin', ALLOWED_ORIGIN]]),
    expect: {
      status: 401,
      headers: { 'access-control-allow-origin': '*', vary: null },
      headerLists: { 'access-control-expose-headers': MCP_EXPOSED_HEADERS },
    },
  },
  {
    name: 'CORS: an authenticated response is readable from any origin by default',
    covers: ['browser clients'],
    scenario: 'required',
    request: (fx) => post('/mcp', [['Origin', OTHER_ORIGIN], bearer(fx.tokens.full)]),
    expect: {
      status: 200,
      auth: JWT_CALLER,
      headers: { 'access-control-allow-origin': '*', vary: null },
      headerLists: { 'access-control-expose-headers': MCP_EXPOSED_HEADERS },
    },
  },
  {
    name: 'allowed origins (MCP_CORS_ORIGINS): a listed origin passes the preflight, echoed, Vary: Origin',
    covers: ['browser clients', 'allowed origins'],
    scenario: 'cors-origins',
    request: () => PREFLIGHT,
    expect: {
      status: 204,
      empty: true,
      headers: { 'access-control-allow-origin': ALLOWED_ORIGIN, vary: 'Origin, Access-Control-Request-Headers' },
      headerLists: { 'access-control-allow-headers': [...MCP_REQUEST_HEADERS, 'mcp-param-region'] },
    },
  },
  {
    name: 'allowed origins (MCP_CORS_ORIGINS): another origin gets a preflight answer without any Allow header',
    covers: ['browser clients', 'allowed origins'],
    scenario: 'cors-origins',
    request: () => preflight(OTHER_ORIGIN),
    expect: {
      status: 204,
      empty: true,
      headers: {
        'access-control-allow-origin': null,
        'access-control-allow-headers': null,
        'access-control-allow-methods': null,
        vary: 'Origin',
      },
    },
  },
  {
    name: 'allowed origins (MCP_CORS_ORIGINS): a listed origin reads the 401 challenge',
    covers: ['browser clients', 'challenges', 'allowed origins'],
    scenario: 'cors-origins',
    request: () => post('/mcp', [['Origin', ALLOWED_ORIGIN]]),
    expect: {
      status: 401,
      challenge: { error: null },
      headers: { 'access-control-allow-origin': ALLOWED_ORIGIN, vary: 'Origin' },
      headerLists: { 'access-control-expose-headers': MCP_EXPOSED_HEADERS },
    },
  },
  {
    name: 'allowed origins (MCP_CORS_ORIGINS): another origin may not read an authenticated answer',
    covers: ['browser clients', 'allowed origins'],
    scenario: 'cors-origins',
    request: (fx) => post('/mcp', [['Origin', OTHER_ORIGIN], bearer(fx.tokens.full)]),
    expect: { status: 200, auth: JWT_CALLER, headers: { 'access-control-allow-origin': null, vary: 'Origin' } },
  },
  {
    name: 'allowed origins (MCP_CORS_ORIGINS): a request without Origin gets no allowed origin',
    covers: ['browser clients', 'allowed origins'],
    scenario: 'cors-origins',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: { status: 200, auth: JWT_CALLER, headers: { 'access-control-allow-origin': null } },
  },
  {
    name: 'allowed origins (a function in the cors option): the origin it accepts is echoed',
    covers: ['browser clients', 'allowed origins'],
    scenario: 'cors-origin-function',
    request: () => PREFLIGHT,
    expect: {
      status: 204,
      empty: true,
      headers: { 'access-control-allow-origin': ALLOWED_ORIGIN, vary: 'Origin, Access-Control-Request-Headers' },
      headerLists: { 'access-control-allow-headers': [...MCP_REQUEST_HEADERS, 'mcp-param-region'] },
    },
  },
  {
    name: 'allowed origins (a function in the cors option): the origins it refuses get no Allow header',
    covers: ['browser clients', 'allowed origins'],
    scenario: 'cors-origin-function',
    request: () => post('/mcp', [['Origin', OTHER_ORIGIN]]),
    expect: {
      status: 401,
      headers: { 'access-control-allow-origin': null, vary: 'Origin' },
      headerLists: { 'access-control-expose-headers': MCP_EXPOSED_HEADERS },
    },
  },
  {
    name: 'cors: false: no CORS headers are added, the preflight is passed on unauthenticated',
    covers: ['browser clients', 'user CORS set-up'],
    scenario: 'cors-off',
    request: () => PREFLIGHT,
    expect: {
      status: 200,
      auth: null,
      headers: { 'access-control-allow-origin': null, 'access-control-expose-headers': null },
    },
  },
  {
    name: 'cors: false: a 401 carries no CORS headers of ours',
    covers: ['browser clients', 'user CORS set-up'],
    scenario: 'cors-off',
    request: () => post('/mcp', [['Origin', 'https://inspector.example.org']]),
    expect: {
      status: 401,
      challenge: { error: null },
      headers: { 'access-control-allow-origin': null, 'access-control-expose-headers': null },
    },
  },

  // ---- RFC 9728 §3, RFC 8414 §3: discovery documents ---------------------------------------------------------------
  {
    name: 'metadata: path-inserted protected-resource metadata without credentials',
    covers: ['discovery documents', 'discovery endpoints'],
    scenario: 'required',
    request: () => ({ method: 'GET', path: PRM_PATH }),
    expect: {
      status: 200,
      json: PRM_DOCUMENT,
      headers: {
        'content-type': /^application\/json/,
        'access-control-allow-origin': '*',
        'cache-control': /max-age=\d+/,
        'www-authenticate': null,
      },
    },
  },
  {
    name: 'metadata: root protected-resource metadata',
    covers: ['discovery documents', 'discovery endpoints'],
    scenario: 'required',
    request: () => ({ method: 'GET', path: PRM_ROOT_PATH }),
    expect: { status: 200, json: PRM_DOCUMENT },
  },
  {
    name: 'metadata: authorization-server metadata (RFC 8414) with the exact issuer',
    covers: ['discovery documents', 'discovery endpoints'],
    scenario: 'required',
    request: () => ({ method: 'GET', path: AS_PATH }),
    expect: { status: 200, headers: { 'content-type': /^application\/json/ } },
  },
  {
    name: 'metadata: HEAD answers the headers of GET without a body',
    covers: ['discovery endpoints'],
    scenario: 'required',
    request: () => ({ method: 'HEAD', path: PRM_PATH }),
    expect: {
      status: 200,
      empty: true,
      headers: {
        'content-type': /^application\/json/,
        'content-length': String(Buffer.byteLength(JSON.stringify(PRM_DOCUMENT))),
      },
    },
  },
  {
    name: 'metadata: OPTIONS preflight is 204',
    covers: ['discovery endpoints', 'browser clients'],
    scenario: 'required',
    request: () => ({ ...PREFLIGHT, path: PRM_PATH }),
    expect: { status: 204, empty: true, headers: { 'access-control-allow-origin': '*' } },
  },
  {
    name: 'metadata: another method is 405 with Allow',
    covers: ['discovery endpoints'],
    scenario: 'required',
    request: () => post(PRM_PATH),
    expect: { status: 405, headers: { allow: 'GET, HEAD, OPTIONS' } },
  },
  {
    name: 'metadata: served even when auth is disabled',
    covers: ['discovery endpoints', 'table: MCP_AUTH_ENABLED=false'],
    scenario: 'disabled',
    request: () => ({ method: 'GET', path: PRM_PATH }),
    // No token is checked, so no DPoP proof either (RFC 9728 §2 lists what the resource accepts).
    expect: { status: 200, json: { ...PRM_DOCUMENT, dpop_signing_alg_values_supported: undefined } },
  },

  // ---- one middleware for the whole application ------------------------------------------------
  {
    name: 'app-wide: the discovery documents stay public',
    covers: ['discovery endpoints', 'protect a whole app'],
    scenario: 'app-wide',
    request: () => ({ method: 'GET', path: PRM_PATH }),
    expect: { status: 200, json: PRM_DOCUMENT },
  },
  {
    name: 'app-wide: HEAD on metadata',
    covers: ['discovery endpoints', 'protect a whole app'],
    scenario: 'app-wide',
    request: () => ({ method: 'HEAD', path: PRM_ROOT_PATH }),
    expect: { status: 200, empty: true },
  },
  {
    name: 'app-wide: a 405 on metadata, not a 401',
    covers: ['discovery endpoints', 'protect a whole app'],
    scenario: 'app-wide',
    request: () => ({ method: 'DELETE', path: AS_PATH }),
    expect: { status: 405, headers: { allow: 'GET, HEAD, OPTIONS' } },
  },
  {
    name: 'app-wide: every other route requires credentials',
    covers: ['table: auth required, no credentials', 'protect a whole app'],
    scenario: 'app-wide',
    request: () => post('/public'),
    expect: { status: 401, challenge: { error: null } },
  },
  {
    name: 'app-wide: an unknown path without credentials is a 401, not a 404 that maps the app',
    covers: ['table: auth required, no credentials', 'protect a whole app'],
    scenario: 'app-wide',
    request: () => ({ method: 'GET', path: '/no-such-route' }),
    expect: { status: 401, challenge: { error: null } },
  },
  {
    name: 'app-wide: JWT and API key side by side',
    covers: ['API key and JWT side by side', 'protect a whole app'],
    scenario: 'app-wide',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: { status: 200, auth: JWT_CALLER },
  },
  {
    name: 'app-wide: preflight answered before authentication',
    covers: ['table: CORS preflight', 'browser clients', 'protect a whole app'],
    scenario: 'app-wide',
    request: () => PREFLIGHT,
    expect: {
      status: 204,
      empty: true,
      headerLists: { 'access-control-allow-headers': [...MCP_REQUEST_HEADERS, 'mcp-param-region'] },
    },
  },

  // ---- request bodies (docs/security.md, "Request bodies") ---------------------------------------
  {
    name: 'body: a declared Content-Length over the limit is 413, before authentication and before a byte is read',
    covers: ['body limit'],
    scenario: 'small-body-limit',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [['Content-Type', 'application/json']],
      raw: { body: JSON.stringify({ padding: 'x'.repeat(SMALL_BODY_LIMIT) }) },
    }),
    expect: { status: 413, bodyRefusal: true, error: 'invalid_request', description: 'Request body too large' },
  },
  {
    name: 'body: a streamed body without Content-Length is 413 once it passes the limit',
    covers: ['body limit'],
    scenario: 'small-body-limit',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [apiKey(API_KEY), ['Content-Type', 'application/json']],
      raw: { body: JSON.stringify({ padding: 'x'.repeat(4 * SMALL_BODY_LIMIT) }), chunked: true },
    }),
    expect: { status: 413, bodyRefusal: true, error: 'invalid_request', description: 'Request body too large' },
  },
  {
    name: 'body: a streamed body within the limit reaches the handler',
    covers: ['body limit'],
    scenario: 'small-body-limit',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [apiKey(API_KEY), ['Content-Type', 'application/json']],
      raw: { body: JSON.stringify(rpc('tools/list')), chunked: true },
    }),
    expect: { status: 200, auth: { clientId: 'api_key:1' } },
  },
  {
    name: 'body: an unknown Content-Encoding is 415',
    covers: ['bad body encodings'],
    scenario: 'required',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [apiKey(API_KEY), ['Content-Type', 'application/json'], ['Content-Encoding', 'foo']],
      raw: { body: JSON.stringify(rpc('tools/list')) },
    }),
    expect: { status: 415, bodyRefusal: true, error: 'invalid_request' },
  },
  {
    name: 'body: gzip data (broken or not) is 415: bodies are read uncompressed',
    covers: ['bad body encodings'],
    scenario: 'required',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      raw: { body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]) },
    }),
    expect: { status: 415, bodyRefusal: true, error: 'invalid_request' },
  },
  {
    name: 'body: JSON declared in charset koi8-r is 415',
    covers: ['bad body encodings'],
    scenario: 'required',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [['Content-Type', 'application/json; charset=koi8-r']],
      raw: { body: JSON.stringify(rpc('tools/list')) },
    }),
    expect: { status: 415, bodyRefusal: true, error: 'invalid_request' },
  },
  {
    name: 'body: JSON nested 5,000 levels deep is 400, never a 500',
    covers: ['deep JSON'],
    scenario: 'required',
    request: () => ({
      method: 'POST',
      path: '/tools',
      headers: [apiKey(API_KEY), ['Content-Type', 'application/json']],
      raw: { body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${'['.repeat(5000)}${']'.repeat(5000)}}` },
    }),
    expect: { status: 400, bodyRefusal: true, error: 'invalid_request', description: 'JSON body nested too deeply' },
  },
  {
    name: 'body: deep JSON without credentials is a 401: the body of a refused request is never read',
    covers: ['deep JSON', 'table: auth required, no credentials'],
    scenario: 'required',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [['Content-Type', 'application/json']],
      raw: { body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
    }),
    expect: { status: 401, challenge: { error: null } },
  },
  {
    name: 'body: JSON nested 64 levels deep is accepted',
    covers: ['deep JSON'],
    scenario: 'required',
    request: () => ({
      method: 'POST',
      path: '/mcp',
      headers: [apiKey(API_KEY), ['Content-Type', 'application/json']],
      raw: { body: `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"x":${'['.repeat(62)}${']'.repeat(62)}}}` },
    }),
    expect: { status: 200, auth: { clientId: 'api_key:1' } },
  },
  // ---- DPoP (RFC 9449 §7): sender-constrained tokens, the same on every adapter -------------------------------
  {
    name: 'DPoP: a bound token with a fresh proof reaches the handler, its binding in extra.cnf',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx),
    expect: { status: 200, auth: DPOP_CALLER },
  },
  {
    name: 'DPoP: the proof names the path without the query, as the adapter reports it',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, {}, '/mcp?session=abc&x=%2F'),
    expect: { status: 200, auth: DPOP_CALLER },
  },
  {
    name: 'DPoP: a GET (SSE stream) with a proof for GET',
    covers: ['dpop'],
    scenario: 'required',
    request: async (fx) => ({ ...(await withProof(fx, { htm: 'GET' })), method: 'GET', json: undefined }),
    expect: { status: 200, auth: DPOP_CALLER },
  },
  {
    name: 'DPoP: a request without credentials is offered DPoP with its algorithms beside Bearer',
    covers: ['dpop', 'challenges'],
    scenario: 'required',
    request: () => post('/mcp'),
    expect: { status: 401, schemes: ['Bearer', 'DPoP'], challenge: { error: null } },
  },
  {
    name: 'DPoP: a stolen token used with another key is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, { key: 'thief' }),
    expect: {
      status: 401,
      error: 'invalid_dpop_proof',
      challenge: { error: 'invalid_dpop_proof' },
      description: 'The DPoP proof is not signed with the key the access token is bound to',
    },
  },
  {
    name: 'DPoP: a replayed proof is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: async (fx, send) => {
      const request = await withProof(fx);
      const first = await send(request);
      if (first.status !== 200) throw new Error(`the first use of the proof got ${first.status}`);
      return request;
    },
    expect: {
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof has already been used',
    },
  },
  {
    name: 'DPoP: a proof for another method (htm) is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, { htm: 'GET' }),
    expect: { status: 401, error: 'invalid_dpop_proof' },
  },
  {
    name: 'DPoP: a proof for another URL (htu) is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, { path: '/admin' }),
    expect: {
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof htu does not match the request URL',
    },
  },
  {
    name: 'DPoP: a proof made ten minutes ago (iat) is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, { iat: Math.floor(Date.now() / 1000) - 600 }),
    expect: {
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof is too old (iat)',
    },
  },
  {
    name: 'DPoP: a proof without ath is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, { token: null }),
    expect: { status: 401, error: 'invalid_dpop_proof' },
  },
  {
    name: 'DPoP: a proof carrying the private key is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, { header: { jwk: fx.dpop.client.privateJwk } }),
    expect: {
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof jwk must be a public key',
    },
  },
  {
    name: 'DPoP: a proof with a symmetric alg is 401 invalid_dpop_proof',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) =>
      withProof(fx, {
        header: { alg: 'HS256' },
        signWith: new TextEncoder().encode('a-shared-secret-that-is-at-least-32-bytes-long'),
      }),
    expect: {
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof alg is not allowed',
    },
  },
  {
    name: 'DPoP: two DPoP headers are refused, not first-wins',
    covers: ['dpop'],
    scenario: 'required',
    request: async (fx) => {
      const request = await withProof(fx);
      const second = await dpopProof(fx.dpop.client, { token: fx.tokens.dpopBound });
      return { ...request, headers: [...(request.headers ?? []), ['DPoP', second]] };
    },
    expect: {
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'Exactly one DPoP proof is allowed',
    },
  },
  {
    name: 'DPoP: a bound token presented as Bearer is 401 invalid_token',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.dpopBound)]),
    expect: {
      status: 401,
      error: 'invalid_token',
      challenge: { error: 'invalid_token' },
      description: 'The access token is bound to a DPoP key: present it with the DPoP scheme and a proof',
    },
  },
  {
    name: 'DPoP: an unbound token presented as DPoP is 401 invalid_token in the DPoP challenge',
    covers: ['dpop'],
    scenario: 'required',
    request: (fx) => withProof(fx, {}, '/mcp', fx.tokens.full),
    expect: {
      status: 401,
      error: 'invalid_token',
      challenge: { error: 'invalid_token' },
      description: 'The access token is not bound to a DPoP key',
    },
  },
  {
    name: 'DPoP: a bound token lacking the route scope is 403 insufficient_scope in the DPoP challenge',
    covers: ['dpop', 'insufficient scope'],
    scenario: 'required',
    request: (fx) => withProof(fx, {}, '/admin', fx.tokens.dpopBoundRead),
    expect: {
      status: 403,
      error: 'insufficient_scope',
      challenge: { error: 'insufficient_scope', scope: 'mcp:admin' },
    },
  },
  {
    name: 'DPoP required: a Bearer access token is 401 with the DPoP challenge alone',
    covers: ['dpop'],
    scenario: 'dpop-required',
    request: (fx) => post('/mcp', [bearer(fx.tokens.full)]),
    expect: {
      status: 401,
      error: 'invalid_token',
      challenge: { error: 'invalid_token' },
      description: 'This resource requires DPoP-bound access tokens',
    },
  },
  {
    name: 'DPoP required: a bound token with its proof passes',
    covers: ['dpop'],
    scenario: 'dpop-required',
    request: (fx) => withProof(fx),
    expect: { status: 200, auth: DPOP_CALLER },
  },
  {
    name: 'DPoP required: an API key still passes',
    covers: ['dpop', 'API key and JWT side by side'],
    scenario: 'dpop-required',
    request: () => post('/mcp', [apiKey(API_KEY)]),
    expect: { status: 200, auth: API_KEY_CALLER },
  },
  {
    name: 'DPoP required: the metadata says bound tokens are required (RFC 9728 §2)',
    covers: ['dpop', 'discovery endpoints'],
    scenario: 'dpop-required',
    request: () => ({ method: 'GET', path: PRM_PATH }),
    expect: { status: 200, json: { ...PRM_DOCUMENT, dpop_bound_access_tokens_required: true } },
  },
  {
    name: 'DPoP nonces: a proof without a nonce is 401 use_dpop_nonce with DPoP-Nonce, exposed to scripts',
    covers: ['dpop', 'browser clients'],
    scenario: 'dpop-nonces',
    request: async (fx) => {
      const request = await withProof(fx);
      return { ...request, headers: [...(request.headers ?? []), ['Origin', ALLOWED_ORIGIN]] };
    },
    expect: {
      status: 401,
      error: 'use_dpop_nonce',
      challenge: { error: 'use_dpop_nonce' },
      headers: { 'dpop-nonce': /^[A-Za-z0-9_-]{22}$/ },
      headerLists: { 'access-control-expose-headers': ['DPoP-Nonce', 'WWW-Authenticate'] },
    },
  },
  {
    name: 'DPoP nonces: the proof carrying the nonce of the challenge passes',
    covers: ['dpop'],
    scenario: 'dpop-nonces',
    request: async (fx, send) => {
      const challenge = await send(await withProof(fx));
      const nonce = challenge.headers['dpop-nonce'];
      if (challenge.status !== 401 || nonce === undefined) throw new Error(`no nonce challenge: ${challenge.status}`);
      return withProof(fx, { nonce });
    },
    expect: { status: 200, auth: DPOP_CALLER },
  },
];
