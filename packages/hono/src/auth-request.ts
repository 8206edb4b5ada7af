/**
 * What the Hono adapter hands to the core's decision: the credential headers, the method and path,
 * and the JSON body. Never the whole request.
 *
 * @module
 */
import { type AuthRequest, credentialHeader } from '@mcp-warden/core/adapter';
import type { Context } from 'hono';

/** `application/json`, with or without parameters: what `express.json()` and Fastify parse by default. */
const JSON_MEDIA_TYPE = /^\s*application\/json\s*(?:;|$)/i;

/**
 * The JSON body, read from a clone of the raw request: the MCP handler behind this middleware
 * (`handler.fetch(c.req.raw)`) must still find the original body unread. When an earlier
 * middleware already read it through `c.req.json()` (a validator), Hono's body cache has it. A
 * body that is absent, not JSON, or not parseable is `undefined`: no tool can be called with it,
 * and the MCP handler answers it itself.
 */
async function jsonBody(c: Context): Promise<unknown> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
    return undefined;
  }
  try {
    return await (c.req.raw.bodyUsed ? c.req.json() : c.req.raw.clone().json());
  } catch {
    return undefined;
  }
}

/**
 * Extracts the {@link AuthRequest} the authenticator needs from a Hono context. Repeated
 * `Authorization` headers arrive joined by the Fetch `Headers` object (`a, b`), which the core
 * rejects as malformed rather than picking one.
 *
 * @param readBody - whether a `tools/call` check needs the body (tool scopes configured);
 * without one the body is never read.
 */
/** What `@hono/node-server` puts in `c.env`: the Node request. Other runtimes leave it undefined. */
interface NodeBindings {
  incoming?: { rawHeaders?: readonly string[]; socket?: { remoteAddress?: string } };
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
  readonly apiKey: string | null;
  readonly method: string;
  readonly body: unknown;
  readonly #c: Context;

  constructor(c: Context, body: unknown) {
    this.#c = c;
    const rawHeaders = (c.env as NodeBindings | undefined)?.incoming?.rawHeaders;
    if (rawHeaders === undefined) {
      this.authorization = c.req.header('authorization') ?? null;
      this.apiKey = c.req.header('x-api-key') ?? null;
    } else {
      this.authorization = credentialHeader(rawHeaders, 'authorization');
      this.apiKey = credentialHeader(rawHeaders, 'x-api-key');
    }
    this.method = c.req.method;
    this.body = body;
  }

  /** Read only for a loopback resource (see core's AuthRequest.host). */
  get host(): string | undefined {
    return this.#c.req.header('host');
  }

  get path(): string {
    return this.#c.req.path;
  }

  /** The Node socket's address under `@hono/node-server`; undefined on other runtimes (only used in logs). */
  get clientAddress(): string | undefined {
    return (this.#c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  }
}

/**
 * The core's view of the request; a promise only when the body has to be read (tool scopes), so
 * the common request costs no extra await.
 */
export function toAuthRequest(c: Context, readBody: boolean): AuthRequest | Promise<AuthRequest> {
  if (!readBody) return new HonoAuthRequest(c, undefined);
  return jsonBody(c).then((body) => new HonoAuthRequest(c, body));
}
