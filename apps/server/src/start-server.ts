/**
 * Starts the reference server from a configuration: the auth plan, the embedded issuer when
 * planned, the shared store (Redis with `MCP_REDIS_URL`), the authenticator, the metadata
 * documents, then the chosen framework.
 *
 * @module
 */

import { type AuthorizationServer, createAuthorizationServer } from '@mcp-warden/authorization-server';
import {
  createAuthenticator,
  defineConfig,
  describeConfig,
  resourceSpellings,
  type WardenConfig,
} from '@mcp-warden/core';
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
import { createMetadataProvider } from '@mcp-warden/metadata';
import { createOidcProviderAdapter, createRedisStore, type RedisStore, redactRedisUrl } from '@mcp-warden/redis';
import type { Logger } from 'pino';
import { planAuth } from './auth-plan.js';
import { createRebindingGuard } from './dns-rebinding.js';
import type { ServerDeps } from './http-recipe.js';
import { listen } from './http-server.js';
import { createMcpEndpoint } from './mcp-endpoint.js';
import { ADMIN_SCOPE, createReferenceMcpServer, TOOL_SCOPES } from './mcp-server.js';
import type { ServerConfig, ServerSettings } from './server-config.js';

/** A started server. */
export interface RunningServer {
  url: string;
  mcpUrl: string;
  devIssuer: DevIssuer | undefined;
  /** The federating authorization server served from this server's origin, when configured. */
  authorizationServer: AuthorizationServer | undefined;
  close(): Promise<void>;
}

/** Start-up refused for a reason the operator must fix (exit code 1, message printed). */
export class StartupError extends Error {
  override name = 'StartupError';
}

const DEV_SCOPES = ['mcp:tools', ADMIN_SCOPE];

async function withEmbeddedIssuer(
  config: WardenConfig,
  settings: ServerSettings,
  logger: Logger,
): Promise<{ config: WardenConfig; issuer: DevIssuer }> {
  const issuer = await createDevIssuer({
    host: settings.host,
    // Next to the MCP port so the banner's URLs stay predictable; random when PORT is 0.
    port: settings.port === 0 ? 0 : settings.port + 1,
    // A loopback resource is one resource under each loopback spelling: the client asks for a token
    // for the spelling it was given (RFC 8707), and the server accepts each of them.
    resource: resourceSpellings(config.resourceUrl),
    scopes: DEV_SCOPES,
  });
  logger.debug({ issuer: issuer.issuer }, 'embedded development issuer started');
  const embedded = defineConfig({
    ...config,
    authRequired: true,
    jwtEnabled: true,
    jwtAlgorithms: ['RS256'],
    jwtIssuer: issuer.issuer,
    oauthServerUrl: issuer.issuer,
    oauthJwksUri: issuer.jwksUri,
    requiredScopes: config.requiredScopes.length > 0 ? config.requiredScopes : ['mcp:tools'],
    scopesSupported: config.scopesSupported.length > 0 ? config.scopesSupported : DEV_SCOPES,
  });
  return { config: embedded, issuer };
}

/**
 * The federating authorization server on this server's own origin (docs/providers.md, "Sign in
 * with GitHub, Google or any OpenID provider"), and the resource-server settings that trust it:
 * its issuer, its keys, the MCP resource as audience. Nothing else to configure.
 */
async function startAuthorizationServer(
  config: WardenConfig,
  serverConfig: ServerConfig,
  logger: Logger,
  store: RedisStore | undefined,
): Promise<{ config: WardenConfig; authorizationServer: AuthorizationServer }> {
  const issuer = new URL(config.resourceUrl).origin;
  const scopes = config.scopesSupported.length > 0 ? config.scopesSupported : DEV_SCOPES;
  const authorizationServer = await createAuthorizationServer({
    issuer,
    resources: resourceSpellings(config.resourceUrl),
    scopes,
    settings: serverConfig.authorizationServer!,
    logger,
    // With MCP_REDIS_URL every instance shares clients, sign-ins, sessions, grants, tokens and the
    // sealed upstream tokens (docs/scaling.md); otherwise they live in this process.
    ...(store
      ? {
          adapter: createOidcProviderAdapter(store, {
            keyPrefix: `${serverConfig.settings.redisKeyPrefix}oidc:`,
          }) as unknown as NonNullable<Parameters<typeof createAuthorizationServer>[0]['adapter']>,
          // One instance at a time refreshes a user's upstream token.
          sharedStore: store,
        }
      : {}),
  });
  logger.info(
    { issuer, upstream: authorizationServer.provider, callback: authorizationServer.callbackUrl },
    `authorization server at ${issuer}: sign-in through ${authorizationServer.provider}; register ${authorizationServer.callbackUrl} as its callback URL`,
  );
  const federated = defineConfig({
    ...config,
    authRequired: true,
    jwtEnabled: true,
    jwtAlgorithms: ['RS256'],
    jwtIssuer: authorizationServer.issuer,
    oauthServerUrl: authorizationServer.issuer,
    oauthJwksUri: authorizationServer.jwksUri,
    requiredScopes: config.requiredScopes.length > 0 ? config.requiredScopes : ['mcp:tools'],
    scopesSupported: scopes,
  });
  return { config: federated, authorizationServer };
}

/** How often, at most, an unknown `kid` re-reads the authorization server's own keys (seconds). */
const OWN_KEYS_COOLDOWN_SECONDS = 1;

/**
 * The fetch the resource-server side uses when this process is also the authorization server: its
 * own JWKS is answered from memory, so verification never depends on the host reaching its public
 * URL from inside (a proxy, NAT or split DNS often prevents that). Anything else goes out as usual.
 */
function ownKeysInProcess(authorizationServer: AuthorizationServer): typeof globalThis.fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== authorizationServer.jwksUri) return globalThis.fetch(input, init);
    return new Response(JSON.stringify(authorizationServer.publicJwks()), {
      headers: { 'content-type': 'application/json' },
    });
  };
}

function authMethods(config: WardenConfig): string[] {
  if (!config.authEnabled) return [];
  const methods: string[] = [];
  if (config.apiKeyEnabled && config.apiKeys.length > 0) methods.push('api_key');
  if (config.basicAuthUsers.length > 0) methods.push('basic');
  if (config.jwtEnabled) methods.push('jwt');
  if (config.oauthIntrospectionEndpoint) methods.push('introspection');
  return methods;
}

/**
 * Starts everything; rejects with {@link StartupError} (or the core's `ConfigError`) when the
 * configuration cannot run.
 */
export async function startServer(
  serverConfig: ServerConfig,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningServer> {
  const { warden: initial, settings } = serverConfig;
  const plan = planAuth(initial, settings.devIssuer, env, serverConfig.authorizationServer !== undefined);
  if (plan.mode === 'refused') throw new StartupError(plan.reason);
  if (plan.mode === 'disabled') {
    const message =
      'AUTHENTICATION IS DISABLED (MCP_AUTH_ENABLED=false): every request reaches the tools without credentials';
    if (env.NODE_ENV === 'production') {
      const loud = `${message}, in production (NODE_ENV=production). Remove MCP_AUTH_ENABLED=false unless this server is meant to be open to anyone.`;
      logger.warn({ setting: 'MCP_AUTH_ENABLED' }, loud);
      process.stderr.write(`\n  WARNING: ${loud}\n\n`);
    } else {
      logger.warn({ setting: 'MCP_AUTH_ENABLED' }, message);
    }
  }

  let config = initial;
  let devIssuer: DevIssuer | undefined;
  let authorizationServer: AuthorizationServer | undefined;
  let store: RedisStore | undefined;
  if (plan.mode === 'embedded-issuer') {
    ({ config, issuer: devIssuer } = await withEmbeddedIssuer(initial, settings, logger));
  } else if (plan.mode === 'authorization-server') {
    if (settings.redisUrl !== undefined) store = await connectRedis(settings, logger);
    try {
      ({ config, authorizationServer } = await startAuthorizationServer(initial, serverConfig, logger, store));
    } catch (error) {
      await store?.close();
      // The upstream OpenID provider's metadata could not be discovered, for instance.
      throw new StartupError(`the authorization server could not start: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  try {
    const shown = {
      ...settings,
      redisUrl: settings.redisUrl === undefined ? undefined : redactRedisUrl(settings.redisUrl),
    };
    logger.info({ auth: plan.mode, config: { ...describeConfig(config), ...shown } }, 'configuration');
    if (settings.redisUrl !== undefined) store ??= await connectRedis(settings, logger);
    const authenticator = await createAuthenticator(config, {
      logger,
      ...(store ? { store } : {}),
      ...(authorizationServer
        ? {
            fetch: ownKeysInProcess(authorizationServer),
            // Its own keys are read from memory and the keys file, not fetched: an unknown `kid`
            // (a key just rotated in here or by another instance) may look again after a second
            // rather than MCP_JWKS_REFRESH_COOLDOWN's default 30.
            jwks: { cooldownMs: Math.min(config.jwksRefreshCooldown, OWN_KEYS_COOLDOWN_SECONDS) * 1000 },
          }
        : {}),
    });
    const served = devIssuer?.metadata() ?? authorizationServer?.metadata();
    const metadata = await createMetadataProvider(config, served ? { upstream: served } : {});
    // A Node process may do I/O at start-up: the provider's metadata is mirrored before the first
    // client asks (within its time budget; a provider that is down is retried on later requests).
    await metadata.prepare();
    const facts = { framework: settings.httpFramework, authMethods: authMethods(config), startedAt: new Date() };
    const endpoint = createMcpEndpoint(() =>
      createReferenceMcpServer(facts, authorizationServer ? { upstream: authorizationServer } : {}),
    );
    const deps: ServerDeps = {
      config,
      settings,
      authenticator,
      metadata,
      endpoint,
      logger,
      toolScopes: { ...TOOL_SCOPES, ...config.toolScopes },
      rebindingGuard: createRebindingGuard(settings.host, config.resourceUrl),
      ...(authorizationServer ? { authorizationServer } : {}),
    };
    const http = await listen(deps);
    const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${http.port}`;
    return {
      url,
      mcpUrl: config.resourceUrl,
      devIssuer,
      authorizationServer,
      async close() {
        await http.close();
        await endpoint.close();
        metadata.close();
        await authenticator.close();
        await store?.close();
        await devIssuer?.close();
      },
    };
  } catch (error) {
    await store?.close();
    await devIssuer?.close();
    throw error;
  }
}

/**
 * The Redis store of `MCP_REDIS_URL` (docs/scaling.md). Start-up waits for the first connection
 * (at most the connect timeout) so the first requests already share their state; a Redis that is
 * not reachable yet does not keep the server from starting: until it is, introspection answers are
 * not shared and whatever must be shared to be safe is refused (503).
 */
async function connectRedis(settings: ServerSettings, logger: Logger): Promise<RedisStore> {
  const store = createRedisStore({
    url: settings.redisUrl!,
    keyPrefix: settings.redisKeyPrefix,
    commandTimeoutMs: Math.round(settings.redisTimeout * 1000),
    logger,
  });
  logger.info(
    { redis: store.location, keyPrefix: settings.redisKeyPrefix },
    `shared state (introspection answers, DPoP replay protection) in Redis at ${store.location}`,
  );
  if (!(await store.ready())) {
    logger.warn(
      { redis: store.location, setting: 'MCP_REDIS_URL' },
      `Redis at ${store.location} is not reachable yet: starting anyway and reconnecting in the background`,
    );
  }
  return store;
}
