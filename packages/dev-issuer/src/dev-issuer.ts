/**
 * `createDevIssuer`: a local OAuth 2.1 authorization server for development and tests, built on
 * oidc-provider and served over plain HTTP on a loopback address. NOT FOR PRODUCTION: anyone who
 * reaches it can sign in as the development user and register clients.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { type CompleteAuthorizationOptions, completeAuthorization } from './complete-authorization.js';
import { handleInteraction } from './interactions.js';
import { createIssuerCore, type IssuerCore } from './issuer-core.js';
import { log } from './logger.js';
import { type DevIssuerOptions, resolveOptions } from './options.js';
import { generateSigningKey } from './signing-key.js';
import { type ClientCredentialsTokenOptions, requestClientCredentialsToken } from './token-request.js';

/** Options of {@link DevIssuer.rotateKeys}. */
export interface RotateKeysOptions {
  /**
   * Remove the previous keys from the JWKS, so tokens they signed no longer verify. Default
   * `false`: they stay published (after the new key) until they age out of the key set.
   */
  dropOld?: boolean;
}

/** A running development issuer. */
export interface DevIssuer {
  /** The issuer identifier, exactly as in the metadata and the tokens' `iss`. */
  readonly issuer: string;
  /** Where the server listens, e.g. `http://127.0.0.1:53127` (the issuer unless `issuer` was set). */
  readonly url: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly authorizationEndpoint: string;
  readonly registrationEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly revocationEndpoint: string;
  /** The default resource: the `aud` of tokens whose request named none. */
  readonly resource: string;
  /** Every resource the issuer mints tokens for. */
  readonly resources: readonly string[];
  /** The scopes it grants for those resources. */
  readonly scopes: readonly string[];
  /** The development user who signs in at the login page. */
  readonly user: { readonly id: string; readonly name?: string; readonly email?: string };
  /** A `client_credentials` client that always exists (`client_secret_basic`). */
  readonly devClient: { readonly clientId: string; readonly clientSecret: string };
  /** The authorization server metadata (RFC 8414), as served at the well-known URLs. */
  metadata(): Record<string, unknown>;
  /**
   * Obtains an access token with the client credentials grant by POSTing to the issuer's own token
   * endpoint. Defaults: the development client, every configured scope, the default resource.
   * Throws {@link DevIssuerTokenError} when the issuer refuses.
   */
  clientCredentialsToken(options?: ClientCredentialsTokenOptions): Promise<string>;
  /**
   * Plays the user for one authorization request, by HTTP as a browser would: opens
   * `authorizationUrl`, follows the issuer's redirects, submits the login page, and returns the URL
   * the issuer finally redirects to (the client's `redirect_uri` with `code` and `state`, or with
   * `error=access_denied` when `decision` is `deny`).
   */
  completeAuthorization(authorizationUrl: string | URL, options?: CompleteAuthorizationOptions): Promise<URL>;
  /**
   * Generates a new signing key and signs every later token with it. The JWKS lists it first; the
   * previous keys stay listed (the last four at most) so tokens they signed still verify, unless
   * `dropOld` is set. Clients, grants and tokens are kept.
   */
  rotateKeys(options?: RotateKeysOptions): Promise<void>;
  /** Stops the server and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}

// A rotation keeps the previous keys published, bounded so repeated rotations cannot grow the JWKS.
const MAX_PUBLISHED_KEYS = 5;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new Error(`dev-issuer could not listen on ${host}:${port}: ${error.code ?? error.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The address clients on this machine use: a wildcard bind address is reached through loopback. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function endpoint(metadata: Record<string, unknown>, name: string): string {
  const value = metadata[name];
  if (typeof value !== 'string') throw new Error(`dev-issuer metadata has no ${name}`);
  return value;
}

/**
 * Starts a development authorization server.
 *
 * @example
 * ```ts
 * import { createDevIssuer } from '@mcp-warden/dev-issuer';
 *
 * const issuer = await createDevIssuer({ resource: 'http://localhost:8000/mcp' });
 * const token = await issuer.clientCredentialsToken({ scope: 'mcp:tools' });
 * // ... call the MCP server with `Authorization: Bearer ${token}`
 * await issuer.close();
 * ```
 */
export async function createDevIssuer(options?: DevIssuerOptions): Promise<DevIssuer> {
  const resolved = resolveOptions(options);
  const { logger } = resolved;

  let keys: (JWK & { kid: string })[] = [await generateSigningKey()];

  const server = createServer();
  const address = await listen(server, resolved.port, resolved.host);
  const url = `http://${reachableHost(resolved.host)}:${address.port}`;
  const issuer = resolved.issuer ?? url;

  let core: IssuerCore;
  try {
    core = await createIssuerCore({
      issuer,
      options: resolved,
      keys,
      // A development issuer also accepts http: documents served on this machine.
      loopbackClientMetadataDocuments: true,
      interactions: (provider, req, res, pathname) => handleInteraction(provider, req, res, pathname, resolved),
    });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => core.handle(req, res));

  let metadata: Record<string, unknown>;
  try {
    metadata = await fetchOwnMetadata(url);
  } catch (error) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }

  log(
    logger,
    'info',
    { issuer, url, resources: resolved.resources },
    'development issuer started (not for production)',
  );

  let closing: Promise<void> | undefined;
  const devIssuer: DevIssuer = {
    issuer,
    url,
    jwksUri: endpoint(metadata, 'jwks_uri'),
    tokenEndpoint: endpoint(metadata, 'token_endpoint'),
    authorizationEndpoint: endpoint(metadata, 'authorization_endpoint'),
    registrationEndpoint: endpoint(metadata, 'registration_endpoint'),
    introspectionEndpoint: endpoint(metadata, 'introspection_endpoint'),
    revocationEndpoint: endpoint(metadata, 'revocation_endpoint'),
    resource: resolved.resources[0] as string,
    resources: Object.freeze([...resolved.resources]),
    scopes: Object.freeze([...resolved.scopes]),
    user: Object.freeze({ ...resolved.user }),
    devClient: Object.freeze({ ...resolved.devClient }),
    metadata: () => structuredClone(metadata),
    clientCredentialsToken: (tokenOptions) =>
      requestClientCredentialsToken(
        localUrl(endpoint(metadata, 'token_endpoint'), issuer, url),
        resolved,
        tokenOptions,
      ),
    completeAuthorization: (authorizationUrl, completeOptions) =>
      completeAuthorization(authorizationUrl, { issuer, url }, completeOptions),
    async rotateKeys(rotateOptions = {}) {
      const key = await generateSigningKey();
      const next = rotateOptions.dropOld ? [key] : [key, ...keys].slice(0, MAX_PUBLISHED_KEYS);
      core.setKeys(next);
      keys = next;
      log(logger, 'info', { kid: key.kid, published: next.map((k) => k.kid) }, 'signing key rotated');
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
  return devIssuer;
}

/** The URL to call from this process: the issuer's endpoint, reached through the listen address. */
function localUrl(endpointUrl: string, issuer: string, url: string): string {
  const target = new URL(endpointUrl);
  const issuerOrigin = new URL(issuer).origin;
  if (target.origin !== issuerOrigin) return endpointUrl;
  return new URL(`${target.pathname}${target.search}`, url).href;
}

async function fetchOwnMetadata(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`dev-issuer metadata answered HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}
