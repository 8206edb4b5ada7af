/**
 * Builds the {@link AppSpec} application with Hono 4 and `@mcp-warden/hono`, served on Node.js
 * through `@hono/node-server`.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type WardenEnv, wardenAuth, wardenMetadata } from '@mcp-warden/hono';
import { type Context, Hono } from 'hono';
import type { AdapterHarness, AppSpec, RunningApp } from './adapter-harness.js';

const echo = (c: Context<WardenEnv>) => c.json({ auth: c.get('auth') ?? null });

function buildApp(spec: AppSpec): Hono<WardenEnv> {
  const app = new Hono<WardenEnv>();
  if (spec.mount === 'app') {
    app.use(wardenAuth({ authenticator: spec.authenticator, metadata: spec.metadata, cors: spec.cors }));
    for (const route of spec.routes) app.all(route.path, echo);
    return app;
  }
  app.use(wardenMetadata({ metadata: spec.metadata }));
  for (const route of spec.routes) {
    if (route.public) {
      app.all(route.path, echo);
    } else {
      app.all(route.path, wardenAuth({ authenticator: spec.authenticator, cors: spec.cors, ...route.override }), echo);
    }
  }
  return app;
}

export const honoHarness: AdapterHarness = {
  name: 'hono',
  async start(spec: AppSpec): Promise<RunningApp> {
    const app = buildApp(spec);
    const server = await new Promise<Server>((resolve) => {
      const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening as Server));
    });
    return {
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.closeAllConnections();
          server.close((error) => (error ? reject(error) : resolve()));
        }),
    };
  },
};
