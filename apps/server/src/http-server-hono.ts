/**
 * The reference server on Hono (the default), served by `@hono/node-server`.
 *
 * @module
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import { type WardenEnv, wardenAuth, wardenMetadata } from '@mcp-warden/hono';
import { Hono } from 'hono';
import {
  guardNodeServer,
  type ListeningServer,
  mcpPaths,
  NOT_FOUND_BODY,
  type ServerDeps,
  withAuthorizationServer,
} from './http-recipe.js';
import { checkRequestHead } from './request-head.js';
import { serverTimeoutOptions } from './server-timeouts.js';

/** What `@hono/node-server` puts in `c.env`: the Node request. */
interface NodeBindings {
  incoming: IncomingMessage;
}

const SERVER_ERROR = { error: 'server_error', error_description: 'Internal server error' } as const;

export async function listenHono(deps: ServerDeps): Promise<ListeningServer> {
  const { authenticator, config, endpoint, metadata, rebindingGuard, settings, toolScopes } = deps;
  const app = new Hono<WardenEnv>();

  app.use(async (c, next) => {
    const rejection =
      checkRequestHead((c.env as NodeBindings).incoming.rawHeaders) ??
      rebindingGuard(c.req.header('host'), c.req.header('origin'));
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
    return c.json(SERVER_ERROR, 500);
  });

  // A request target or Host the Fetch API cannot turn into a URL (`*`, `/mcp\\`, user info in
  // Host) never reaches the app: @hono/node-server hands it to this handler, which answers JSON
  // like every other refusal instead of its empty 400.
  const listener = getRequestListener(app.fetch, {
    errorHandler: (error) => {
      if (error instanceof RequestError) {
        deps.logger.debug({ reason: error.message }, 'malformed request target refused');
        return Response.json(
          { error: 'invalid_request', error_description: 'Malformed request target or Host header' },
          { status: 400 },
        );
      }
      deps.logger.error({ err: error }, 'unhandled error');
      return Response.json(SERVER_ERROR, { status: 500 });
    },
  });
  const server = createServer(
    serverTimeoutOptions(settings),
    withAuthorizationServer(deps, listener, checkRequestHead),
  );
  guardNodeServer(server, deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
