/**
 * Builds the {@link AppSpec} application with Fastify 5 and `@mcp-warden/fastify`. In `routes`
 * mode the protected routes live in an encapsulated scope with the plugin and the discovery
 * documents on the root, the layout a prefixed application uses.
 *
 * @module
 */
import { wardenMetadata, wardenPlugin } from '@mcp-warden/fastify';
import Fastify, { type FastifyInstance, type RouteHandlerMethod } from 'fastify';
import type { AdapterHarness, AppSpec, RouteSpec, RunningApp } from './adapter-harness.js';

const METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'];

const echo: RouteHandlerMethod = async (request) => ({ auth: request.auth ?? null });

/** In `app` mode every route gets the plugin's options, as with one app-wide middleware elsewhere. */
function addRoute(scope: FastifyInstance, route: RouteSpec, perRoute: boolean): void {
  const warden = !perRoute ? undefined : route.public ? false : route.override;
  scope.route({ method: METHODS, url: route.path, config: warden === undefined ? {} : { warden }, handler: echo });
}

export const fastifyHarness: AdapterHarness = {
  name: 'fastify',
  async start(spec: AppSpec): Promise<RunningApp> {
    const app = Fastify();
    if (spec.mount === 'app') {
      await app.register(wardenPlugin, { authenticator: spec.authenticator, metadata: spec.metadata, cors: spec.cors });
      for (const route of spec.routes) addRoute(app, route, false);
    } else {
      await app.register(wardenMetadata, { metadata: spec.metadata });
      await app.register(async (scope) => {
        await scope.register(wardenPlugin, { authenticator: spec.authenticator, cors: spec.cors });
        for (const route of spec.routes) addRoute(scope, route, true);
      });
    }
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, close: () => app.close() };
  },
};
