/**
 * What the Hono adapter hands to the core's decision: the credential headers (`DPoP` included), the
 * method and path, and, for the `tools/call` check, the JSON body. Never the whole request.
 *
 * @module
 */
import { type AuthRequest, credentialHeader } from '@mcp-warden/core/adapter';
import type { Context } from 'hono';
import { waitUntilOf } from './wait-until.js';

/** What `@hono/node-server` puts in `c.env`: the Node request. Other runtimes leave it undefined. */
interface NodeBindings {
  incoming?: { rawHeaders?: readonly string[]; socket?: { remoteAddress?: string } };
}

/**
 * A request header, every copy joined with `, ` as `Headers.get` joins them. Under
 * `@hono/node-server` it is read from the Node request's `rawHeaders`: each `c.req.header()` is a
 * Fetch `Headers` lookup (name validation and normalisation), several times the cost of a scan
 * of a request's dozen raw headers.
 */
export function requestHeader(c: Context, lowerName: string): string | undefined {
  const rawHeaders = (c.env as NodeBindings | undefined)?.incoming?.rawHeaders;
  if (rawHeaders === undefined) return c.req.header(lowerName);
  return credentialHeader(rawHeaders, lowerName) ?? undefined;
}

/**
 * The request as the core sees it. Under `@hono/node-server` the credential headers come from the
 * Node request's `rawHeaders` (every copy joined, like the Express and Fastify adapters), which
 * skips building and validating Fetch API headers per request; elsewhere from
 * `c.req.header`. The path and client address only appear in a rejection's log line, so they are
 * computed when read.
 */
class HonoAuthRequest implements AuthRequest {
  readonly authorization: string | null;
  readonly method: string;
  readonly body: unknown;
  readonly #c: Context;

  constructor(c: Context, body: unknown) {
    this.#c = c;
    this.authorization = requestHeader(c, 'authorization') ?? null;
    this.method = c.req.method;
    this.body = body;
  }

  /** Read only when the cache did not answer (see core's AuthRequest.apiKey): a cached Bearer request never looks for it. */
  get apiKey(): string | null {
    return requestHeader(this.#c, 'x-api-key') ?? null;
  }

  /** Read only for a loopback resource (see core's AuthRequest.host). */
  get host(): string | undefined {
    return this.#c.req.header('host');
  }

  /** Read only for `Authorization: DPoP` (see core's AuthRequest.dpop): Bearer requests never look for it. */
  get dpop(): string | null {
    return requestHeader(this.#c, 'dpop') ?? null;
  }

  /**
   * The path as the client sent it, percent-encoding kept, as a DPoP proof's `htu` names it:
   * `c.req.path` is decoded for routing.
   */
  get path(): string {
    const url = this.#c.req.url;
    const start = url.indexOf('/', url.indexOf('://') + 3);
    if (start === -1) return '/';
    const end = url.slice(start).search(/[?#]/);
    return end === -1 ? url.slice(start) : url.slice(start, start + end);
  }

  /**
   * `c.executionCtx.waitUntil` on Cloudflare Workers (a no-op elsewhere): core hands it a key
   * refresh that may outlive the request. Built when read, which core does only on the way to a
   * key lookup, never for a cached token.
   */
  get waitUntil(): (promise: Promise<unknown>) => void {
    return waitUntilOf(this.#c);
  }

  /** The Node socket's address under `@hono/node-server`; undefined on other runtimes (only used in logs). */
  get clientAddress(): string | undefined {
    return (this.#c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  }
}

/**
 * Extracts the {@link AuthRequest} the authenticator needs from a Hono context. Repeated
 * `Authorization` headers arrive joined by the Fetch `Headers` object (`a, b`), which the core
 * rejects as malformed rather than picking one. `body` is the parsed JSON body, once the
 * middleware has read it (the `tools/call` check, docs/requirements.md, "Step-up for tools"); authentication itself never waits for it.
 */
export function toAuthRequest(c: Context, body?: unknown): AuthRequest {
  return new HonoAuthRequest(c, body);
}
