/**
 * Builds the {@link AppSpec} application with Express 5 and `@mcp-warden/express`.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wardenAuth, wardenMetadata } from '@mcp-warden/express';
import express, { type RequestHandler } from 'express';
import type { AdapterHarness, AppSpec, RunningApp } from './adapter-harness.js';

const echo: RequestHandler = (req, res) => {
  res.json({ auth: req.auth ?? null });
};

function buildApp(spec: AppSpec): express.Express {
  // No express.json(): wardenAuth reads and parses the JSON body itself, after authenticating.
  const app = express();
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
      const auth = wardenAuth({ authenticator: spec.authenticator, cors: spec.cors, ...route.override });
      app.all(route.path, auth, echo);
    }
  }
  return app;
}

export const expressHarness: AdapterHarness = {
  name: 'express',
  async start(spec: AppSpec): Promise<RunningApp> {
    const app = buildApp(spec);
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(listening)));
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
