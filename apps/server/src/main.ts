import { serve } from '@hono/node-server';
import { createApp } from './app.js';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);

const server = serve({ fetch: createApp().fetch, hostname: host, port }, (info) => {
  console.log(`mcp-warden server listening on http://${host}:${info.port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
