/**
 * The reference server on Hono (the default), served by `@hono/node-server`.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type WardenEnv, wardenAuth, wardenMetadata } from '@mcp-warden/hono';
import { Hono } from 'hono';
import { answerClientError } from './client-error.js';
import { type ListeningServer, mcpPaths, NOT_FOUND_BODY, type ServerDeps } from './http-recipe.js';

export async function listenHono(deps: ServerDeps): Promise<ListeningServer> {
  const { authenticator, config, endpoint, metadata, rebindingGuard, settings, toolScopes } = deps;
  const app = new Hono<WardenEnv>();

  app.use(async (c, next) => {
    const rejection = rebindingGuard(c.req.header('host'), c.req.header('origin'));
    if (rejection) return c.json(rejection.body, rejection.status);
    await next();
  });
  app.use(wardenMetadata({ metadata }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  const protect = wardenAuth({ authenticator, toolScopes });
  for (const path of mcpPaths(config.resourceUrl)) {
    app.all(path, protect, (c) => endpoint.fetch(c.req.raw, { authInfo: c.get('auth') }));
  }
  app.notFound((c) => c.json(NOT_FOUND_BODY, 404));
  app.onError((error, c) => {
    deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
    return c.json({ error: 'server_error', error_description: 'Internal server error' }, 500);
  });

  const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port });
  server.on('clientError', answerClientError(deps.logger));
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
