/**
 * The server configurations the cases run against. Each is written as the environment a user
 * would set (the documented variable names), parsed by the core's `loadConfig`, so the suite also
 * proves the documented variables reach every adapter unchanged.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Authenticator, createAuthenticator, loadConfig } from '@mcp-warden/core';
import { createMetadataProvider } from '@mcp-warden/metadata';
import {
  ALLOWED_ORIGIN,
  API_KEY,
  BASIC_DIGEST_USER,
  BASIC_USER,
  type Fixtures,
  ISSUER,
  RESOURCE_URL,
  SCOPES_SUPPORTED,
} from './__fixtures__/keys-and-tokens.js';
import type { AppSpec, RouteSpec } from './adapter-harness.js';

export type ScenarioName =
  | 'required'
  | 'optional'
  | 'scoped'
  | 'disabled'
  | 'jwt-disabled'
  | 'jwks-down'
  | 'app-wide'
  | 'cors-off'
  | 'cors-origins'
  | 'cors-origin-function'
  | 'broken-authenticator'
  | 'small-body-limit'
  | 'basic'
  | 'dpop-required'
  | 'dpop-nonces';

/**
 * The routes of every application, each on GET, POST, DELETE and OPTIONS. Overrides use each
 * framework's own mechanism (one middleware per route, Fastify route config).
 */
export const ROUTES: RouteSpec[] = [
  { path: '/mcp' },
  { path: '/admin', override: { requiredScopes: ['mcp:admin'] } },
  { path: '/optional', override: { required: false } },
  { path: '/strict', override: { required: true } },
  { path: '/tools', override: { toolScopes: { wipe: ['mcp:admin'] } } },
  { path: '/public', public: true },
];

/** `MCP_MAX_BODY_BYTES` of the `small-body-limit` scenario: small, so a case crosses it with a few KiB. */
export const SMALL_BODY_LIMIT = 4096;

/** Outside services a scenario points at, started once per run on 127.0.0.1:0. */
export interface Environment {
  fixtures: Fixtures;
  /** A JWKS endpoint that is down: it answers 503 to everything. */
  downJwksUrl: string;
}

/** A provider's JWKS endpoint having an outage, served by a real local HTTP server. */
export async function startDownJwks(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function requiredEnv(fx: Fixtures): Record<string, string> {
  return {
    MCP_AUTH_ENABLED: 'true',
    MCP_AUTH_REQUIRED: 'true',
    MCP_API_KEY_ENABLED: 'true',
    MCP_API_KEYS: API_KEY,
    MCP_JWT_ENABLED: 'true',
    MCP_JWT_ALGORITHM: 'RS256',
    MCP_JWT_PUBLIC_KEY: fx.publicKeyPem,
    MCP_JWT_ISSUER: ISSUER,
    MCP_RESOURCE_URL: RESOURCE_URL,
    MCP_OAUTH_SERVER_URL: ISSUER,
    MCP_SCOPES_SUPPORTED: SCOPES_SUPPORTED.join(','),
    MCP_TOOL_SCOPES: 'deploy=mcp:deploy',
  };
}

function scenarioEnv(name: ScenarioName, env: Environment): Record<string, string> {
  const base = requiredEnv(env.fixtures);
  switch (name) {
    case 'optional':
      return { ...base, MCP_AUTH_REQUIRED: 'false' };
    case 'scoped':
      return { ...base, MCP_REQUIRED_SCOPES: 'mcp:read,mcp:write' };
    case 'disabled':
      return { ...base, MCP_AUTH_ENABLED: 'false' };
    case 'cors-origins':
      return { ...base, MCP_CORS_ORIGINS: `${ALLOWED_ORIGIN}, http://localhost:6274` };
    case 'jwt-disabled':
      return { ...base, MCP_JWT_ENABLED: 'false' };
    case 'small-body-limit':
      return { ...base, MCP_MAX_BODY_BYTES: String(SMALL_BODY_LIMIT) };
    case 'basic': {
      const digest = createHash('sha256').update(BASIC_DIGEST_USER.password, 'utf8').digest('hex');
      return {
        ...base,
        MCP_BASIC_AUTH_USERS: `${BASIC_USER.user}:${BASIC_USER.password}, ${BASIC_DIGEST_USER.user}:sha256:${digest}`,
      };
    }
    case 'dpop-required':
      return { ...base, MCP_DPOP_REQUIRED: 'true' };
    case 'dpop-nonces':
      return { ...base, MCP_DPOP_NONCES: 'true' };
    case 'jwks-down': {
      const { MCP_JWT_PUBLIC_KEY: _unused, ...withoutKey } = base;
      return { ...withoutKey, MCP_OAUTH_JWKS_URI: env.downJwksUrl };
    }
    default:
      return base;
  }
}

/**
 * An authenticator that breaks its contract (`authenticate` never throws): the adapters must
 * still fail closed without a 500 or a stack trace. The only stand-in in the suite, because a
 * real authenticator cannot be made to throw.
 */
function brokenAuthenticator(real: Authenticator): Authenticator {
  return {
    config: real.config,
    resourceMetadataUrl: real.resourceMetadataUrl,
    authenticate: () => Promise.reject(new Error(`internal failure while checking ${API_KEY}`)),
    reportUnexpectedFailure: (error, request) => real.reportUnexpectedFailure(error, request),
    authorizeToolCall: (result, request, route) => real.authorizeToolCall(result, request, route),
    verifyAccessToken: (token) => real.verifyAccessToken(token),
    close: () => real.close(),
  };
}

/** Builds the application spec of a scenario: a fresh authenticator and metadata provider. */
export async function buildScenario(name: ScenarioName, env: Environment): Promise<AppSpec> {
  const config = loadConfig(scenarioEnv(name, env));
  const authenticator = await createAuthenticator(config, { jwks: { timeoutMs: 1000 } });
  // discover: false keeps the suite on 127.0.0.1; the served document is built from the config.
  const metadata = await createMetadataProvider(config, { discover: false });
  return {
    authenticator: name === 'broken-authenticator' ? brokenAuthenticator(authenticator) : authenticator,
    metadata,
    mount: name === 'app-wide' ? 'app' : 'routes',
    cors:
      name === 'cors-off'
        ? false
        : name === 'cors-origin-function'
          ? { origins: (origin: string) => origin === ALLOWED_ORIGIN }
          : undefined,
    routes: ROUTES,
  };
}

export const SCENARIOS: ScenarioName[] = [
  'required',
  'optional',
  'scoped',
  'disabled',
  'jwt-disabled',
  'jwks-down',
  'app-wide',
  'cors-off',
  'cors-origins',
  'cors-origin-function',
  'broken-authenticator',
  'small-body-limit',
  'basic',
  'dpop-required',
  'dpop-nonces',
];

/** The scenarios with Basic users: their 400 and 401 answers offer a Basic challenge last. */
export const BASIC_SCENARIOS: ReadonlySet<ScenarioName> = new Set(['basic']);

/**
 * The challenges a scenario's answer with `status` offers, in order (RFC 9110 §11.6.1): `Bearer`
 * first, then `DPoP` wherever access tokens are verified and DPoP is on (RFC 9449 §7.1; `DPoP`
 * alone when it is required), `Bearer` alone where only API keys can authenticate, and `Basic`
 * last on a 400 or 401 where Basic users are configured (RFC 7617 §2).
 */
export function challengeSchemes(name: ScenarioName, status: number): string[] {
  const schemes = name === 'jwt-disabled' ? ['Bearer'] : name === 'dpop-required' ? ['DPoP'] : ['Bearer', 'DPoP'];
  if (BASIC_SCENARIOS.has(name) && (status === 400 || status === 401)) schemes.push('Basic');
  return schemes;
}
