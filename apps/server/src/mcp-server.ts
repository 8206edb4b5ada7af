/**
 * The reference MCP server's tools. A fresh instance serves each HTTP request (stateless), so it
 * holds no state between calls and scales by running more processes.
 *
 * @module
 */
import { type AuthInfo, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** The scope `admin_info` needs: a token without it gets the HTTP 403 step-up challenge (docs/requirements.md, "Step-up for tools"). */
export const ADMIN_SCOPE = 'mcp:admin';

/** Tool name → scopes it needs beyond the route's own, handed to the adapter for the step-up check (docs/requirements.md, "Step-up for tools"). */
export const TOOL_SCOPES: Readonly<Record<string, string[]>> = { admin_info: [ADMIN_SCOPE] };

/** What `whoami` reports: the caller exactly as the tool handler received it. */
export interface CallerIdentity {
  authenticated: boolean;
  method: string | null;
  subject: string | null;
  clientId: string | null;
  scopes: string[];
  issuer: string | null;
  expiresAt: number | null;
  /** The key a DPoP-bound token is bound to (`cnf.jkt`, RFC 9449 §6); null for an unbound token. */
  dpopJkt: string | null;
}

/** Facts `admin_info` reports about the running server. */
export interface ServerFacts {
  framework: string;
  authMethods: string[];
  startedAt: Date;
}

function callerIdentity(authInfo: AuthInfo | undefined): CallerIdentity {
  const extra = (authInfo?.extra ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    authenticated: authInfo !== undefined,
    method: text(extra.method),
    subject: text(extra.subject),
    clientId: authInfo?.clientId ?? null,
    scopes: authInfo?.scopes ?? [],
    issuer: text(extra.issuer),
    expiresAt: authInfo?.expiresAt ?? null,
    dpopJkt: text((extra.cnf as { jkt?: unknown } | undefined)?.jkt),
  };
}

const json = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] });

/**
 * Builds one MCP server instance with the reference tools.
 *
 * @example
 * ```ts
 * const server = createReferenceMcpServer({ framework: 'hono', authMethods: ['jwt'], startedAt: new Date() });
 * ```
 */
export function createReferenceMcpServer(facts: ServerFacts): McpServer {
  const server = new McpServer({ name: 'mcp-warden-reference', version: '0.0.0' });

  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description:
        'Shows the identity this server received for the caller: method, subject, client, scopes, issuer, and the DPoP key its token is bound to.',
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true },
    },
    async (_args, ctx) => json(callerIdentity(ctx.http?.authInfo)),
  );

  server.registerTool(
    'echo',
    {
      title: 'Echo',
      description: 'Returns the text it is given.',
      inputSchema: z.object({ text: z.string().max(10_000) }),
      annotations: { readOnlyHint: true },
    },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );

  server.registerTool(
    'admin_info',
    {
      title: 'Admin info',
      description: `Server facts for operators. Needs scope ${ADMIN_SCOPE}.`,
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true },
    },
    async (_args, ctx) => {
      // The adapter answers HTTP 403 before this runs (docs/requirements.md, "Step-up for tools"); this check keeps the tool safe even
      // if it is mounted without the adapter's tool-scope map.
      const scopes = ctx.http?.authInfo?.scopes ?? [];
      if (!scopes.includes(ADMIN_SCOPE)) {
        return { isError: true, content: [{ type: 'text', text: `This tool needs scope ${ADMIN_SCOPE}.` }] };
      }
      return json({
        framework: facts.framework,
        authMethods: facts.authMethods,
        startedAt: facts.startedAt.toISOString(),
        uptimeSeconds: Math.round((Date.now() - facts.startedAt.getTime()) / 1000),
        node: process.version,
      });
    },
  );

  return server;
}
