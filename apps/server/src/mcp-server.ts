/**
 * The reference MCP server's tools. A fresh instance serves each HTTP request (stateless), so it
 * holds no state between calls and scales by running more processes.
 *
 * @module
 */
import type { AuthorizationServer } from '@mcp-warden/authorization-server';
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
  /** Who signed in at the upstream provider (tokens of the federating authorization server). */
  upstream: { idp: string; login: string | null; email: string | null; name: string | null } | null;
}

/** What the reference tools may use besides the caller. */
export interface ReferenceToolDeps {
  /** The federating authorization server: `upstream_profile` reads the user's upstream token from it. */
  upstream?: Pick<AuthorizationServer, 'upstreamToken'>;
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
    upstream: upstreamIdentity(extra.claims),
  };
}

function upstreamIdentity(claims: unknown): CallerIdentity['upstream'] {
  const values = (claims ?? {}) as Record<string, unknown>;
  if (typeof values.idp !== 'string') return null;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { idp: values.idp, login: text(values.login), email: text(values.email), name: text(values.name) };
}

// The upstream user API answers with far more than a tool result needs; these fields say who it is.
const PROFILE_FIELDS = ['id', 'sub', 'login', 'name', 'email', 'preferred_username'];
const UPSTREAM_TIMEOUT_MS = 10_000;

const json = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] });

/**
 * Builds one MCP server instance with the reference tools.
 *
 * @example
 * ```ts
 * const server = createReferenceMcpServer({ framework: 'hono', authMethods: ['jwt'], startedAt: new Date() });
 * ```
 */
export function createReferenceMcpServer(facts: ServerFacts, deps: ReferenceToolDeps = {}): McpServer {
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

  const upstream = deps.upstream;
  if (upstream) {
    server.registerTool(
      'upstream_profile',
      {
        title: 'Upstream profile',
        description:
          "Calls the sign-in provider's user API (GitHub /user, OpenID userinfo) with the signed-in user's upstream token, held by this server and never sent to the client.",
        inputSchema: z.object({}),
        annotations: { readOnlyHint: true, openWorldHint: true },
      },
      async (_args, ctx) => {
        const token = await upstream.upstreamToken(ctx.http?.authInfo);
        if (!token?.userApi) {
          return { isError: true, content: [{ type: 'text', text: 'No upstream sign-in for this caller.' }] };
        }
        const response = await fetch(token.userApi, {
          headers: {
            authorization: `Bearer ${token.accessToken}`,
            accept: 'application/json',
            'user-agent': 'mcp-warden-reference-server',
          },
          redirect: 'error',
          signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
        });
        if (!response.ok) {
          await response.body?.cancel();
          return { isError: true, content: [{ type: 'text', text: `The provider answered HTTP ${response.status}.` }] };
        }
        const profile = (await response.json()) as Record<string, unknown>;
        const shown = Object.fromEntries(
          PROFILE_FIELDS.filter((key) => key in profile).map((key) => [key, profile[key]]),
        );
        return json({ provider: token.provider, profile: shown });
      },
    );
  }

  return server;
}
