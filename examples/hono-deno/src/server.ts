// Deno: an MCP endpoint behind mcp-warden, with the discovery documents.
// Run with `deno run --allow-net --allow-env src/server.ts`.
import { createAuthenticator, loadConfig } from '@mcp-warden/core';
import { type WardenEnv, wardenAuth } from '@mcp-warden/hono';
import { createMetadataProvider } from '@mcp-warden/metadata';
import { Hono } from 'hono';

// Deno's environment, read once (--allow-env): MCP_API_KEYS, MCP_JWT_ISSUER, … (see @mcp-warden/core).
const env = Deno.env.toObject();
const config = loadConfig(env);
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

Deno.serve({ port: Number(env.PORT ?? 8000), hostname: env.HOST ?? '127.0.0.1' }, app.fetch);
