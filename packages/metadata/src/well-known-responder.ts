/**
 * The HTTP behaviour of the well-known endpoints (RFC 9728 §3), as plain data: any framework can write a
 * {@link WellKnownAnswer} with its own response API, and the `Request -> Response` handler is a
 * thin wrapper over it.
 *
 * @module
 */

import { AUTHORIZATION_SERVER_NOT_CONFIGURED, type HttpAnswer } from '@mcp-warden/core/adapter';

/** Which discovery document a well-known path serves. */
export type WellKnownKind = 'protected-resource' | 'authorization-server';

/** One well-known route: where it lives and how to get its current document. */
export interface WellKnownDocument {
  /** The exact URL path, e.g. `/.well-known/oauth-protected-resource/mcp`. */
  path: string;
  kind: WellKnownKind;
  /**
   * The document to serve now, or `undefined` when there is none (answered 404). Called per
   * request so a document mirrored after start-up is picked up; keep it a cheap field read.
   * `host` is the request's `Host` header, when the caller passed it: only a loopback resource's
   * document looks at it (see core's `resourceUrlForHost`).
   */
  document: (host?: string) => Record<string, unknown> | undefined;
  /** The `Cache-Control` value for the current document (default `public, max-age=300`). */
  cacheControl?: () => string;
}

/** A complete HTTP answer for a well-known request. `body` is `null` for HEAD and for the 204 preflight answer. */
type WellKnownAnswer = HttpAnswer<string | null>;

/** The methods a discovery document answers (RFC 9728 §3); everything else is 405. */
const ALLOW = 'GET, HEAD, OPTIONS';

/**
 * Request headers a browser-based client may send to a discovery endpoint. The official SDK sends
 * `MCP-Protocol-Version` on discovery requests, which makes browsers preflight (RFC 9728 §3, CORS).
 */
const ALLOW_HEADERS = 'Authorization, Content-Type, MCP-Protocol-Version';

const DEFAULT_CACHE_CONTROL = 'public, max-age=300';

const NOT_CONFIGURED: Record<WellKnownKind, string> = {
  // Word for word the message docs/troubleshooting.md lists.
  'authorization-server': AUTHORIZATION_SERVER_NOT_CONFIGURED,
  'protected-resource': 'OAuth protected resource metadata not configured',
};

const encoder = new TextEncoder();

/**
 * Builds the answering function for a fixed set of well-known routes. The route table is built
 * once here; each document is serialised once per document object and reused.
 *
 * Answers (RFC 9728 §3): GET and HEAD with the document (`Content-Type: application/json`, a short
 * `Cache-Control`), OPTIONS 204 with CORS preflight headers, any other method 405 with `Allow`.
 * Every answer carries `Access-Control-Allow-Origin: *`: the documents are public and a browser
 * client on any origin must be able to read them. Nothing here looks at credentials.
 *
 * @returns a function answering `(method, pathname, host?)`, or `undefined` when `pathname` is
 * not one of the routes (the caller passes the request on). `host` is the request's `Host` header.
 *
 * @example
 * ```ts
 * const respond = createWellKnownResponder([
 *   { path: '/.well-known/oauth-protected-resource', kind: 'protected-resource', document: () => prm },
 * ]);
 * respond('GET', '/.well-known/oauth-protected-resource'); // { status: 200, headers, body }
 * respond('GET', '/mcp'); // undefined
 * ```
 */
export function createWellKnownResponder(
  documents: readonly WellKnownDocument[],
): (method: string, pathname: string, host?: string) => WellKnownAnswer | undefined {
  const routes = new Map<string, WellKnownDocument>();
  for (const entry of documents) {
    if (!entry.path.startsWith('/')) throw new TypeError(`well-known path must start with "/": ${entry.path}`);
    // First registration wins, so the path-inserted and root PRM paths never shadow each other.
    if (!routes.has(entry.path)) routes.set(entry.path, entry);
  }
  const serialised = new WeakMap<object, string>();
  const serialise = (document: Record<string, unknown>): string => {
    let body = serialised.get(document);
    if (body === undefined) {
      body = JSON.stringify(document);
      serialised.set(document, body);
    }
    return body;
  };

  return (method, pathname, host) => {
    const route = routes.get(pathname);
    if (route === undefined) return undefined;

    switch (method.toUpperCase()) {
      case 'OPTIONS':
        return {
          status: 204,
          headers: {
            'access-control-allow-origin': '*',
            'access-control-allow-methods': ALLOW,
            'access-control-allow-headers': ALLOW_HEADERS,
            'access-control-max-age': '86400',
            allow: ALLOW,
          },
          body: null,
        };
      case 'GET':
      case 'HEAD': {
        const document = route.document(host);
        const head = method.toUpperCase() === 'HEAD';
        if (document === undefined) {
          return json(404, 'no-store', error('not_found', NOT_CONFIGURED[route.kind]), head);
        }
        return json(200, route.cacheControl?.() ?? DEFAULT_CACHE_CONTROL, serialise(document), head);
      }
      default: {
        const answer = json(405, 'no-store', error('method_not_allowed', `Use GET or HEAD for ${pathname}`), false);
        return { ...answer, headers: { ...answer.headers, allow: ALLOW } };
      }
    }
  };
}

function error(code: string, description: string): string {
  return JSON.stringify({ error: code, error_description: description });
}

function json(status: number, cacheControl: string, body: string, head: boolean): WellKnownAnswer {
  return {
    status,
    headers: {
      'access-control-allow-origin': '*',
      'content-type': 'application/json',
      'content-length': String(encoder.encode(body).byteLength),
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
    },
    // RFC 9110 §9.3.2: HEAD gets the GET headers (including the length) and no body.
    body: head ? null : body,
  };
}
