/**
 * The options {@link createDevIssuer} accepts, and their validation. Every problem is collected and
 * reported at once, so a bad configuration fails at start-up with the full list rather than one
 * problem per restart.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { DevIssuerLogger } from './logger.js';
import { DEV_ISSUER_SCOPES } from './scopes.js';

/** The grant types a pre-registered client may use. */
export type DevIssuerGrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

/** A client registered at start-up, in addition to the ones clients register themselves (RFC 7591). */
export interface DevIssuerClient {
  /** The `client_id`. */
  clientId: string;
  /** The `client_secret`. Without it the client is public (`token_endpoint_auth_method: none`). */
  clientSecret?: string;
  /** Default: `['client_credentials']` with a secret, `['authorization_code', 'refresh_token']` without. */
  grantTypes?: DevIssuerGrantType[];
  /** Required when the client uses `authorization_code`. */
  redirectUris?: string[];
  /** Space-separated scopes the client may request (default: every configured scope). */
  scope?: string;
  /** How a client with a secret authenticates at the token endpoint. Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** Options of {@link createDevIssuer}. Every one is optional. */
export interface DevIssuerOptions {
  /** Port to listen on. Default `0`: a free port chosen by the system. */
  port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /**
   * The issuer identifier, exactly as clients will compare it (RFC 8414 §3.3). Default
   * `http://<host>:<port>`. Set it when clients reach the issuer through another name (a tunnel, a
   * container network). It must be an origin: no path, query or fragment.
   */
  issuer?: string;
  /**
   * The MCP resource URL(s) the issuer mints access tokens for (RFC 8707): the token's `aud`. The
   * first is used when a client names no resource. Default `http://localhost:8000/mcp`, the
   * reference server's default `MCP_RESOURCE_URL`.
   */
  resource?: string | string[];
  /** Scopes the issuer grants for the resource. Default `['mcp:tools', 'mcp:admin']`. */
  scopes?: string[];
  /** The development user who signs in at the login page. Default `{ id: 'dev-user' }`. */
  user?: { id: string; name?: string; email?: string };
  /** Access token lifetime in seconds. Default `3600`. */
  accessTokenTtl?: number;
  /**
   * `jwt` (default): RFC 9068 JWTs (`typ: at+jwt`) signed with the issuer's keys. `opaque`: random
   * strings that resource servers validate through the introspection endpoint (RFC 7662).
   */
  accessTokenFormat?: 'jwt' | 'opaque';
  /** Clients registered at start-up. */
  clients?: DevIssuerClient[];
  /**
   * The `client_credentials` client that always exists (for banners and tests). Default id
   * `dev-client` and a random secret generated at start-up.
   */
  devClient?: { clientId?: string; clientSecret?: string };
  /** Skip the login page: every authorization request is approved for the development user at once. */
  autoApprove?: boolean;
  /** Where diagnostics go (pino-compatible). Default: nowhere. */
  logger?: DevIssuerLogger;
}

/** A pre-registered client after defaults and validation. */
export interface ResolvedDevIssuerClient {
  clientId: string;
  clientSecret: string | undefined;
  grantTypes: DevIssuerGrantType[];
  redirectUris: string[];
  scope: string | undefined;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | undefined;
}

/** The options after defaults and validation. */
export interface ResolvedDevIssuerOptions {
  port: number;
  host: string;
  issuer: string | undefined;
  resources: string[];
  scopes: string[];
  user: { id: string; name?: string; email?: string };
  accessTokenTtl: number;
  accessTokenFormat: 'jwt' | 'opaque';
  clients: ResolvedDevIssuerClient[];
  devClient: { clientId: string; clientSecret: string };
  autoApprove: boolean;
  logger: DevIssuerLogger | undefined;
}

/**
 * Thrown by {@link createDevIssuer} when its options are invalid. `problems` lists every one.
 *
 * @example
 * ```ts
 * try {
 *   await createDevIssuer({ port: -1 });
 * } catch (error) {
 *   if (error instanceof DevIssuerOptionsError) console.error(error.problems.join('\n'));
 * }
 * ```
 */
export class DevIssuerOptionsError extends TypeError {
  readonly code = 'ERR_DEV_ISSUER_OPTIONS';
  readonly problems: readonly string[];

  constructor(problems: string[]) {
    super(`Invalid dev-issuer options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DevIssuerOptionsError';
    this.problems = problems;
  }
}

const DEFAULT_RESOURCE = 'http://localhost:8000/mcp';
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
// Scopes oidc-provider handles itself; configuring them as resource scopes would be ambiguous.
const RESERVED_SCOPES = new Set(['openid', 'offline_access', 'profile', 'email']);
const GRANT_TYPES = new Set<string>(['authorization_code', 'refresh_token', 'client_credentials']);

function isAbsoluteHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const url = URL.parse(value);
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
}

/** Validates `options` and fills in defaults; throws {@link DevIssuerOptionsError} listing every problem. */
export function resolveOptions(options: DevIssuerOptions = {}): ResolvedDevIssuerOptions {
  if (options === null || typeof options !== 'object') throw new DevIssuerOptionsError(['options must be an object']);
  const problems: string[] = [];

  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('port must be an integer from 0 to 65535');

  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') problems.push('host must be a non-empty string');

  let issuer: string | undefined;
  if (options.issuer !== undefined) {
    if (!isAbsoluteHttpUrl(options.issuer)) {
      problems.push('issuer must be an absolute http(s) URL');
    } else {
      const url = new URL(options.issuer);
      // The metadata lives at the origin's well-known paths; an issuer with a path would need
      // path-inserted well-known URLs (RFC 8414 §3.1) and a mounted provider, which this
      // development server does not offer.
      if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || options.issuer.includes('?')) {
        problems.push('issuer must be an origin such as http://localhost:9000 (no path, query or fragment)');
      } else {
        issuer = options.issuer;
      }
    }
  }

  const resourceInput = options.resource ?? DEFAULT_RESOURCE;
  const resources = Array.isArray(resourceInput) ? resourceInput : [resourceInput];
  if (resources.length === 0) problems.push('resource must name at least one URL');
  for (const resource of resources) {
    if (!isAbsoluteHttpUrl(resource)) {
      problems.push(`resource ${JSON.stringify(resource)} must be an absolute http(s) URL`);
    } else if (resource.includes('#')) {
      // RFC 8707 §2: the resource indicator must not include a fragment component.
      problems.push(`resource ${JSON.stringify(resource)} must not contain a fragment`);
    }
  }

  const scopes = options.scopes ?? [...DEV_ISSUER_SCOPES];
  if (!Array.isArray(scopes) || scopes.length === 0) {
    problems.push('scopes must be a non-empty array of strings');
  } else {
    for (const scope of scopes) {
      if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
        problems.push(`scope ${JSON.stringify(scope)} is not a valid scope token (RFC 6749 §3.3)`);
      } else if (RESERVED_SCOPES.has(scope)) {
        problems.push(`scope "${scope}" is an OpenID Connect scope the issuer already handles; remove it`);
      }
    }
    if (new Set(scopes).size !== scopes.length) problems.push('scopes must not contain duplicates');
  }

  const user = options.user ?? { id: 'dev-user' };
  if (user === null || typeof user !== 'object' || typeof user.id !== 'string' || user.id === '') {
    problems.push('user.id must be a non-empty string');
  } else {
    if (user.name !== undefined && typeof user.name !== 'string') problems.push('user.name must be a string');
    if (user.email !== undefined && typeof user.email !== 'string') problems.push('user.email must be a string');
  }

  const accessTokenTtl = options.accessTokenTtl ?? 3600;
  if (!Number.isSafeInteger(accessTokenTtl) || accessTokenTtl <= 0) {
    problems.push('accessTokenTtl must be a positive integer (seconds)');
  }

  const accessTokenFormat = options.accessTokenFormat ?? 'jwt';
  if (accessTokenFormat !== 'jwt' && accessTokenFormat !== 'opaque') {
    problems.push('accessTokenFormat must be "jwt" or "opaque"');
  }

  const devClient = {
    clientId: options.devClient?.clientId ?? 'dev-client',
    clientSecret: options.devClient?.clientSecret ?? randomBytes(32).toString('base64url'),
  };
  if (typeof devClient.clientId !== 'string' || devClient.clientId === '') {
    problems.push('devClient.clientId must be a non-empty string');
  }
  if (typeof devClient.clientSecret !== 'string' || devClient.clientSecret.length < 8) {
    problems.push('devClient.clientSecret must be a string of at least 8 characters');
  }

  const knownScopes = new Set([...(Array.isArray(scopes) ? scopes : []), ...RESERVED_SCOPES]);
  const clientIds = new Set([devClient.clientId]);
  const clients: ResolvedDevIssuerOptions['clients'] = [];
  if (options.clients !== undefined && !Array.isArray(options.clients)) problems.push('clients must be an array');
  for (const [index, client] of (Array.isArray(options.clients) ? options.clients : []).entries()) {
    const label = `clients[${index}]`;
    if (client === null || typeof client !== 'object' || typeof client.clientId !== 'string' || !client.clientId) {
      problems.push(`${label}.clientId must be a non-empty string`);
      continue;
    }
    if (clientIds.has(client.clientId)) problems.push(`${label}.clientId "${client.clientId}" is used twice`);
    clientIds.add(client.clientId);
    if (client.clientSecret !== undefined && (typeof client.clientSecret !== 'string' || !client.clientSecret)) {
      problems.push(`${label}.clientSecret must be a non-empty string when given`);
    }
    const grantTypes =
      client.grantTypes ??
      (client.clientSecret
        ? ['client_credentials']
        : (['authorization_code', 'refresh_token'] as DevIssuerGrantType[]));
    if (!Array.isArray(grantTypes) || grantTypes.length === 0) {
      problems.push(`${label}.grantTypes must be a non-empty array`);
    } else {
      for (const grantType of grantTypes) {
        if (!GRANT_TYPES.has(grantType)) {
          problems.push(`${label}.grantTypes: "${grantType}" is not one of ${[...GRANT_TYPES].join(', ')}`);
        }
      }
      if (grantTypes.includes('client_credentials') && !client.clientSecret) {
        problems.push(`${label} uses client_credentials and needs a clientSecret`);
      }
    }
    const redirectUris = client.redirectUris ?? [];
    if (!Array.isArray(redirectUris) || redirectUris.some((uri) => URL.parse(uri) === null)) {
      problems.push(`${label}.redirectUris must be an array of absolute URLs`);
    } else if (Array.isArray(grantTypes) && grantTypes.includes('authorization_code') && redirectUris.length === 0) {
      problems.push(`${label} uses authorization_code and needs at least one redirectUris entry`);
    }
    if (client.scope !== undefined) {
      const unknown =
        typeof client.scope === 'string' ? client.scope.split(' ').filter((s) => !knownScopes.has(s)) : [];
      if (typeof client.scope !== 'string') problems.push(`${label}.scope must be a space-separated string`);
      else if (unknown.length > 0) problems.push(`${label}.scope names unknown scopes: ${unknown.join(', ')}`);
    }
    const method = client.tokenEndpointAuthMethod;
    if (method !== undefined && method !== 'client_secret_basic' && method !== 'client_secret_post') {
      problems.push(`${label}.tokenEndpointAuthMethod must be "client_secret_basic" or "client_secret_post"`);
    } else if (method !== undefined && !client.clientSecret) {
      problems.push(`${label}.tokenEndpointAuthMethod needs a clientSecret`);
    }
    clients.push({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      grantTypes: grantTypes as DevIssuerGrantType[],
      redirectUris,
      scope: client.scope,
      tokenEndpointAuthMethod: method,
    });
  }

  if (options.autoApprove !== undefined && typeof options.autoApprove !== 'boolean') {
    problems.push('autoApprove must be a boolean');
  }
  if (options.logger !== undefined && (options.logger === null || typeof options.logger !== 'object')) {
    problems.push('logger must be an object with debug/info/warn/error methods');
  }

  if (problems.length > 0) throw new DevIssuerOptionsError(problems);

  return {
    port,
    host,
    issuer,
    resources,
    scopes,
    user: {
      id: user.id,
      ...(user.name === undefined ? {} : { name: user.name }),
      ...(user.email === undefined ? {} : { email: user.email }),
    },
    accessTokenTtl,
    accessTokenFormat,
    clients,
    devClient,
    autoApprove: options.autoApprove ?? false,
    logger: options.logger,
  };
}
