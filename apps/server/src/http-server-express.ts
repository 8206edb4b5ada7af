/**
 * The reference server on Express 5.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wardenAuth, wardenMetadata } from '@mcp-warden/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import express, { type ErrorRequestHandler } from 'express';
import { answerClientError } from './client-error.js';
import { type ListeningServer, mcpPaths, NOT_FOUND_BODY, PARSE_ERROR_BODY, type ServerDeps } from './http-recipe.js';

const MAX_BODY = '4mb';

export async function listenExpress(deps: ServerDeps): Promise<ListeningServer> {
  const { authenticator, config, endpoint, metadata, rebindingGuard, settings, toolScopes, logger } = deps;
  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    const rejection = rebindingGuard(req.headers.host, req.headers.origin);
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

  // The tools/call scope check (docs/requirements.md, "Step-up for tools") reads the parsed body, so express.json() runs before the adapter.
  const parseJson = express.json({ limit: MAX_BODY });
  const protect = wardenAuth({ authenticator, toolScopes });
  const serveMcp = toNodeHandler(endpoint, {
    onerror: (error) => logger.error({ err: error }, 'MCP request failed'),
  });
  for (const path of mcpPaths(config.resourceUrl)) {
    app.all(path, parseJson, protect, (req, res) => serveMcp(req, res, req.body));
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
    if (status === 413) {
      res.status(413).json({ error: 'invalid_request', error_description: 'Request body too large' });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ error: 'server_error', error_description: 'Internal server error' });
  };
  app.use(onError);

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(settings.port, settings.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  server.on('clientError', answerClientError(logger));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
