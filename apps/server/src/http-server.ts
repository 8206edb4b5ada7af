/**
 * The reference server's HTTP layer on the framework `MCP_HTTP_FRAMEWORK` names. Each builder is
 * the same recipe in its framework's idiom: DNS-rebinding guard, discovery documents, health
 * check, then the MCP endpoint behind the mcp-warden adapter. Only the chosen builder, and so
 * only the chosen framework, is loaded.
 *
 * @module
 */
import type { ListeningServer, ServerDeps } from './http-recipe.js';

/** Starts the configured framework on `settings.host:settings.port`. */
export async function listen(deps: ServerDeps): Promise<ListeningServer> {
  switch (deps.settings.httpFramework) {
    case 'express':
      return (await import('./http-server-express.js')).listenExpress(deps);
    case 'fastify':
      return (await import('./http-server-fastify.js')).listenFastify(deps);
    default:
      return (await import('./http-server-hono.js')).listenHono(deps);
  }
}
