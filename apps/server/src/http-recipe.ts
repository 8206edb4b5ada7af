/**
 * What every framework builder of the reference server shares: its inputs, the paths the MCP
 * endpoint answers on, and the JSON answers for what nothing serves. The builders
 * (`http-server-*.ts`) import this; `http-server.ts` loads only the chosen builder.
 *
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Authenticator, WardenConfig } from '@mcp-warden/core';
import type { MetadataProvider } from '@mcp-warden/metadata';
import type { Logger } from 'pino';
import { answerClientError } from './client-error.js';
import type { RebindingGuard } from './dns-rebinding.js';
import type { McpEndpoint } from './mcp-endpoint.js';
import type { ServerSettings } from './server-config.js';

/** Everything a framework builder needs; built once at start-up. */
export interface ServerDeps {
  config: WardenConfig;
  settings: ServerSettings;
  authenticator: Authenticator;
  metadata: MetadataProvider;
  endpoint: McpEndpoint;
  logger: Logger;
  toolScopes: Record<string, string[]>;
  rebindingGuard: RebindingGuard;
  /** The federating authorization server, served under `/oauth/` before the framework sees the request. */
  authorizationServer?: {
    handles(pathname: string): boolean;
    handle(req: IncomingMessage, res: ServerResponse): void;
  };
}

/** A listening HTTP server. */
export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The paths the MCP endpoint answers on: the path of `MCP_RESOURCE_URL` (default `/mcp`) and
 * `/mcp/messages`, where earlier versions of this server answered.
 */
export function mcpPaths(resourceUrl: string): string[] {
  const resourcePath = new URL(resourceUrl).pathname.replace(/\/+$/, '') || '/';
  return [...new Set([resourcePath, '/mcp/messages'])];
}

/** The JSON answer for a path nothing serves. */
export const NOT_FOUND_BODY = { error: 'not_found', error_description: 'Not found' } as const;

/** The JSON answer for a request body that is not valid JSON (JSON-RPC parse error, HTTP 400). */
export const PARSE_ERROR_BODY = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null } as const;

/**
 * What every framework's Node server gets: the JSON answer to requests Node's parser refuses or
 * times out (408 once `MCP_HEADERS_TIMEOUT` or `MCP_REQUEST_TIMEOUT` has passed).
 */
export function guardNodeServer(server: Server, deps: Pick<ServerDeps, 'logger'>): void {
  server.on('clientError', answerClientError(deps.logger));
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The framework's request listener, with the authorization server's paths (`/oauth/…`,
 * `/.well-known/openid-configuration`) answered by the authorization server first, behind the
 * same request-head and DNS-rebinding (Host) checks as every other route.
 */
export function withAuthorizationServer(
  deps: Pick<ServerDeps, 'authorizationServer' | 'rebindingGuard'>,
  listener: RequestListener,
  checkHead: (rawHeaders: string[]) => { status: number; body: unknown } | undefined,
): RequestListener {
  const server = deps.authorizationServer;
  if (!server) return listener;
  return (req, res) => {
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const pathname = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    if (!server.handles(pathname)) {
      listener(req, res);
      return;
    }
    // The Host check only: browser-based MCP clients on other origins call the token and
    // registration endpoints (CORS), and the consent form carries its own anti-forgery token.
    const rejection = checkHead(req.rawHeaders) ?? deps.rebindingGuard(req.headers.host, undefined);
    if (rejection) {
      const body = JSON.stringify(rejection.body);
      res.writeHead(rejection.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    server.handle(req, res);
  };
}
