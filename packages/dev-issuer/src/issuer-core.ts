/**
 * The oidc-provider core every mcp-warden authorization server is built on: one configuration
 * (provider-configuration.ts: OAuth 2.1 code flow with S256 PKCE, dynamic registration, Client ID
 * Metadata Documents, resource indicators, refresh tokens, `at+jwt` access tokens), one request
 * dispatcher and key rotation that keeps clients, grants and tokens. `createDevIssuer` wraps it
 * with a listening server and a development login page; `@mcp-warden/authorization-server` wraps
 * it with sign-in at an upstream provider and a consent page, served from an MCP server's origin.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { AdapterFactory, JWK } from 'oidc-provider';
import { withLoopbackClientMetadataDocuments } from './client-metadata-document.js';
import { sendJsonError } from './http-response.js';
import type { IssuerProfile } from './issuer-profile.js';
import { type DevIssuerLogger, log } from './logger.js';
import { MemoryStore } from './memory-adapter.js';
import type { ResolvedDevIssuerOptions } from './options.js';
import { providerConfiguration } from './provider-configuration.js';
import { answerUnknownRoutesWithJson, attachLogging } from './provider-logging.js';
import { loadOidcProvider, withProviderNoticesRouted } from './provider-notices.js';

export type { IssuerProfile };

/** Inputs of {@link createIssuerCore}. */
export interface IssuerCoreInput {
  /** The issuer identifier, exactly as in metadata and tokens. */
  issuer: string;
  options: ResolvedDevIssuerOptions;
  /** Private signing keys, the one to sign with first. */
  keys: (JWK & { kid: string })[];
  /** Storage for every oidc-provider model. Default: bounded memory. */
  adapter?: (model: string) => import('oidc-provider').Adapter;
  /** Keys for oidc-provider's signed cookies. Default: random per process. */
  cookieKeys?: string[];
  /** Accept `http:` Client ID Metadata Documents on loopback (development only). */
  loopbackClientMetadataDocuments: boolean;
  /** Serves the pages under the interaction prefix (sign-in, consent). */
  interactions: (provider: Provider, req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;
  /** Extra routes this server serves itself next to oidc-provider (an upstream callback). */
  routes?: Record<string, (provider: Provider, req: IncomingMessage, res: ServerResponse) => Promise<void>>;
  profile?: IssuerProfile;
}

/** A running oidc-provider core. */
export interface IssuerCore {
  readonly issuer: string;
  /** The current provider instance (a key rotation replaces it). */
  provider(): Provider;
  /** Handles one HTTP request: interaction pages, extra routes, then oidc-provider. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Signs every later token with the first of `keys`; clients, grants and tokens are kept. */
  setKeys(keys: (JWK & { kid: string })[]): void;
}

/** The bounded in-memory storage the development issuer uses, as an adapter factory. */
export function memoryAdapterFactory(maxEntries?: number): (model: string) => import('oidc-provider').Adapter {
  return new MemoryStore(maxEntries).adapterFactory();
}

/**
 * Builds the core. The storage is shared by every provider instance it builds, so clients,
 * sessions and tokens survive a key rotation.
 */
export async function createIssuerCore(input: IssuerCoreInput): Promise<IssuerCore> {
  const { options, issuer } = input;
  const logger: DevIssuerLogger | undefined = options.logger;
  const oidc = await loadOidcProvider(logger);
  const base = input.adapter ?? memoryAdapterFactory();
  const adapter: AdapterFactory = input.loopbackClientMetadataDocuments
    ? withLoopbackClientMetadataDocuments(base, (description) => new oidc.errors.InvalidClient(description))
    : (base as AdapterFactory);
  const cookieKeys = input.cookieKeys ?? [randomBytes(32).toString('base64url')];
  const prefix = input.profile?.interactionPrefix ?? '/interaction/';

  const build = (keys: (JWK & { kid: string })[]) => {
    const configuration = providerConfiguration({
      options,
      keys,
      adapter,
      cookieKeys,
      errors: oidc.errors,
      ...(input.profile ? { profile: input.profile } : {}),
    });
    const provider = withProviderNoticesRouted(logger, () => new oidc.Provider(issuer, configuration));
    attachLogging(provider, logger);
    answerUnknownRoutesWithJson(provider);
    return { provider, callback: provider.callback() };
  };
  let current = build(input.keys);

  return {
    issuer,
    provider: () => current.provider,
    setKeys(keys) {
      current = build(keys);
    },
    handle(req, res) {
      const { provider, callback } = current;
      const rawUrl = req.url ?? '/';
      const queryStart = rawUrl.indexOf('?');
      const pathname = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
      const fail = (what: string) => (error: unknown) => {
        log(logger, 'error', { error: (error as Error)?.message }, `${what} failed`);
        sendJsonError(res, 500, 'server_error', `the ${what} failed; see the issuer log`);
      };
      if (pathname.startsWith(prefix)) {
        input.interactions(provider, req, res, pathname).catch(fail('sign-in page'));
        return;
      }
      const route = input.routes?.[pathname];
      if (route) {
        route(provider, req, res).catch(fail('sign-in'));
        return;
      }
      if (pathname === '/.well-known/oauth-authorization-server') {
        // RFC 8414 §3: the same document oidc-provider serves for OpenID Connect discovery; MCP
        // clients of the 2025-03-26 revision look here first.
        req.url = `/.well-known/openid-configuration${queryStart === -1 ? '' : rawUrl.slice(queryStart)}`;
      }
      callback(req, res);
    },
  };
}
