// What `npx wrangler types` generates for this Worker, reduced to what src/index.ts uses:
// regenerate it with that command once you change wrangler.jsonc or add secrets.
interface Env {
  MCP_AUTH_REQUIRED: 'true';
  MCP_RESOURCE_URL: string;
  MCP_JWT_ISSUER: string;
  MCP_OAUTH_SERVER_URL: string;
  /** A secret: `npx wrangler secret put MCP_API_KEYS`. */
  MCP_API_KEYS?: string;
}

declare module 'cloudflare:workers' {
  export const env: Env;
}
