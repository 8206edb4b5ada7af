/**
 * One web-standard MCP endpoint serving every protocol revision statelessly:
 * 2026-07-28 (modern, per-request envelope) through the SDK's `createMcpHandler`, and 2025-era
 * traffic through a stateless streamable HTTP transport answering plain JSON.
 *
 * @module
 */
import {
  type AuthInfo,
  createMcpHandler,
  isLegacyRequest,
  type McpServer,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';

/** Per-request inputs: the identity the adapter verified, and a body a framework already parsed. */
export interface McpEndpointRequestOptions {
  authInfo?: AuthInfo;
  parsedBody?: unknown;
}

/** A fetch-shaped MCP endpoint (what `toNodeHandler` from `@modelcontextprotocol/node` wraps). */
export interface McpEndpoint {
  fetch(request: Request, options?: McpEndpointRequestOptions): Promise<Response>;
  close(): Promise<void>;
}

const BOTH_MEDIA_TYPES = 'application/json, text/event-stream';

/**
 * The streamable HTTP transport refuses a POST whose `Accept` does not name both JSON and SSE.
 * The seed's curl examples send curl's default `Accept: *∕*` (or none), which accepts anything;
 * since this endpoint answers 2025-era requests with plain JSON, such a request is served as if
 * it had named both. An `Accept` that excludes JSON is left alone and refused.
 */
function withAcceptForJson(request: Request, parsedBody: unknown): Request {
  const accept = request.headers.get('accept') ?? '';
  const acceptsAnything = accept.trim() === '' || /(^|,)\s*\*\/\*/.test(accept);
  if (request.method !== 'POST' || !acceptsAnything) return request;
  const headers = new Headers(request.headers);
  headers.set('accept', BOTH_MEDIA_TYPES);
  return new Request(request.url, {
    method: request.method,
    headers,
    body: parsedBody === undefined ? request.body : JSON.stringify(parsedBody),
    // @ts-expect-error Node's fetch needs duplex for a streamed body; not in the DOM typings.
    duplex: 'half',
    signal: request.signal,
  });
}

/**
 * Creates the endpoint from a server factory (called once per request).
 *
 * @example
 * ```ts
 * const endpoint = createMcpEndpoint(() => createReferenceMcpServer(facts));
 * const response = await endpoint.fetch(request, { authInfo });
 * ```
 */
export function createMcpEndpoint(factory: () => McpServer): McpEndpoint {
  const modern = createMcpHandler(factory, { legacy: 'reject' });

  async function serveLegacy(request: Request, options: McpEndpointRequestOptions): Promise<Response> {
    const server = factory();
    // Stateless (no session id) and JSON responses: every 2025-era request stands alone, which is
    // what lets the server scale horizontally and answer one-shot curl requests (docs/compatibility.md).
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, {
        authInfo: options.authInfo,
        parsedBody: options.parsedBody,
      });
    } finally {
      void server.close();
    }
  }

  return {
    async fetch(request, options = {}) {
      const prepared = withAcceptForJson(request, options.parsedBody);
      const legacy =
        options.parsedBody === undefined
          ? await isLegacyRequest(prepared)
          : await isLegacyRequest(prepared, options.parsedBody);
      if (legacy) {
        // Stateless serving has no session to stream to or delete (2025-06-18 transport §GET/DELETE).
        if (prepared.method !== 'POST') {
          return Response.json(
            { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null },
            { status: 405, headers: { allow: 'POST' } },
          );
        }
        return serveLegacy(prepared, options);
      }
      return modern.fetch(prepared, options);
    },
    close: () => modern.close(),
  };
}
