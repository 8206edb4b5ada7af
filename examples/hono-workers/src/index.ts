// A Cloudflare Worker: an MCP endpoint behind mcp-warden, with the discovery documents.
// Deploy with `npx wrangler deploy`; set the configuration as vars or secrets (wrangler.jsonc).
import { env } from 'cloudflare:workers';
import { createAuthenticator, loadConfig } from '@mcp-warden/core';
import { type WardenEnv, wardenAuth } from '@mcp-warden/hono';
import { createMetadataProvider } from '@mcp-warden/metadata';
import { Hono } from 'hono';

// Built once per isolate, at module top level. Nothing here does I/O or sets a timer (Workers
// allow neither outside a request): the provider's keys and metadata are fetched by the first
// requests that need them, and a background key refresh is handed to `executionCtx.waitUntil` by
// the middleware. On Workers pass the bindings to loadConfig: it refuses to run without them.
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

export default app;
