// Bun: an MCP endpoint behind mcp-warden, with the discovery documents. Run with `bun run src/server.ts`.
import { createAuthenticator, loadConfig } from '@mcp-warden/core';
import { type WardenEnv, wardenAuth } from '@mcp-warden/hono';
import { createMetadataProvider } from '@mcp-warden/metadata';
import { Hono } from 'hono';

// Bun has process.env: loadConfig() reads it (MCP_API_KEYS, MCP_JWT_ISSUER, …; see @mcp-warden/core).
const config = loadConfig();
const authenticator = await createAuthenticator(config);
const metadata = await createMetadataProvider(config);

const app = new Hono<WardenEnv>();
// Every path needs credentials except the discovery documents, which stay public.
app.use(wardenAuth({ authenticator, metadata }));
// Replace with your MCP handler, e.g. `(c) => mcp.fetch(c.req.raw, { authInfo: c.get('auth') })`.
app.all('/mcp', (c) => {
  const auth = c.get('auth');
  return c.json({
    clientId: auth?.clientId ?? null,
    subject: auth?.extra?.subject ?? null,
    scopes: auth?.scopes ?? [],
  });
});

// Bun serves the default export.
export default {
  port: Number(process.env.PORT ?? 8000),
  hostname: process.env.HOST ?? '127.0.0.1',
  fetch: app.fetch,
};
