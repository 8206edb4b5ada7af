import { Hono } from 'hono';

/** The HTTP application: health check for now; MCP and auth arrive with the adapters. */
export function createApp(): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  return app;
}
