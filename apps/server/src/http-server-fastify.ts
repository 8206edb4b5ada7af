/**
 * The reference server on Fastify 5.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wardenPlugin } from '@mcp-warden/fastify';
import { toNodeHandler } from '@modelcontextprotocol/node';
import Fastify from 'fastify';
import { answerClientError } from './client-error.js';
import {
  type ListeningServer,
  mcpPaths,
  NOT_FOUND_BODY,
  PARSE_ERROR_BODY,
  type ServerDeps,
  withAuthorizationServer,
} from './http-recipe.js';
import { checkRequestHead } from './request-head.js';
import { serverTimeoutOptions } from './server-timeouts.js';

export async function listenFastify(deps: ServerDeps): Promise<ListeningServer> {
  const { authenticator, config, endpoint, metadata, rebindingGuard, settings, toolScopes, logger } = deps;
  const timeouts = serverTimeoutOptions(settings);
  const app = Fastify({
    logger: false,
    // The plugin reads the body within the same limit first; Fastify's own check is the backstop.
    bodyLimit: config.maxBodyBytes,
    clientErrorHandler: answerClientError(logger),
    // Fastify's defaults (72 s keep-alive, no request timeout) replaced by the configured ones.
    keepAliveTimeout: timeouts.keepAliveTimeout,
    requestTimeout: timeouts.requestTimeout,
    // The Node server with every timeout set at creation (connectionsCheckingInterval cannot be
    // changed later); Fastify adds its clientErrorHandler to it.
    serverFactory: (handler) => createServer(timeouts, withAuthorizationServer(deps, handler, checkRequestHead)),
  });

  app.addHook('onRequest', async (request, reply) => {
    const rejection =
      checkRequestHead(request.raw.rawHeaders) ?? rebindingGuard(request.headers.host, request.headers.origin);
    if (rejection) return reply.code(rejection.status).send(rejection.body);
  });
  await app.register(wardenPlugin, { authenticator, metadata, toolScopes });
  app.get('/healthz', { config: { warden: false } }, async () => ({ status: 'ok' }));

  const serveMcp = toNodeHandler(endpoint, {
    onerror: (error) => logger.error({ err: error }, 'MCP request failed'),
  });
  for (const path of mcpPaths(config.resourceUrl)) {
    app.route({
      method: ['GET', 'POST', 'DELETE'],
      url: path,
      handler: async (request, reply) => {
        // The SDK writes the response itself (it may stream); the plugin already put the caller
        // on request.raw.auth, which toNodeHandler hands to tool handlers.
        reply.hijack();
        await serveMcp(request.raw, reply.raw, request.body);
      },
    });
  }

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send(NOT_FOUND_BODY));
  app.setErrorHandler(async (error, request, reply) => {
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply.code(400).send(PARSE_ERROR_BODY);
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'invalid_request', error_description: (error as Error).message });
    }
    logger.error({ err: error, method: request.method, path: request.url }, 'unhandled error');
    return reply.code(500).send({ error: 'server_error', error_description: 'Internal server error' });
  });

  await app.listen({ host: settings.host, port: settings.port });
  return {
    port: (app.server.address() as AddressInfo).port,
    close: () => app.close(),
  };
}
