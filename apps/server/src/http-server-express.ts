/**
 * The reference server on Express 5.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wardenAuth, wardenMetadata } from '@mcp-warden/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import express, { type ErrorRequestHandler } from 'express';
import {
  guardNodeServer,
  type ListeningServer,
  mcpPaths,
  NOT_FOUND_BODY,
  PARSE_ERROR_BODY,
  type ServerDeps,
  withAuthorizationServer,
} from './http-recipe.js';
import { checkRequestHead } from './request-head.js';
import { serverTimeoutOptions } from './server-timeouts.js';

export async function listenExpress(deps: ServerDeps): Promise<ListeningServer> {
  const { authenticator, config, endpoint, metadata, rebindingGuard, settings, toolScopes, logger } = deps;
  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    const rejection = checkRequestHead(req.rawHeaders) ?? rebindingGuard(req.headers.host, req.headers.origin);
    if (rejection) {
      res.status(rejection.status).json(rejection.body);
      return;
    }
    next();
  });
  app.use(wardenMetadata({ metadata }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The adapter authenticates first, then reads and parses the JSON body within MCP_MAX_BODY_BYTES
  // itself (no express.json()): a refused request's body is never read.
  const protect = wardenAuth({ authenticator, toolScopes });
  const serveMcp = toNodeHandler(endpoint, {
    onerror: (error) => logger.error({ err: error }, 'MCP request failed'),
  });
  for (const path of mcpPaths(config.resourceUrl)) {
    app.all(path, protect, (req, res) => serveMcp(req, res, req.body));
  }

  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND_BODY);
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = (error as { status?: number }).status;
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json(PARSE_ERROR_BODY);
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      // A client's mistake (a body a middleware could not read): its 4xx, never a logged 500.
      logger.debug({ status, method: req.method, path: req.path }, 'request refused');
      if (!res.headersSent) res.status(status).json({ error: 'invalid_request', error_description: 'Bad request' });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ error: 'server_error', error_description: 'Internal server error' });
  };
  app.use(onError);

  const server: Server = createServer(
    serverTimeoutOptions(settings),
    withAuthorizationServer(deps, app, checkRequestHead),
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
