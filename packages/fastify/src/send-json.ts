/**
 * Answers an authentication failure (a rejection from the core, or the fail-closed fallback)
 * through Fastify's own `reply`.
 *
 * @module
 */
import type { FastifyReply } from 'fastify';

/** A status, its headers (`WWW-Authenticate`, `Retry-After`) and the JSON error body. */
export interface JsonAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: unknown;
}

/**
 * Sends `answer` as `application/json; charset=utf-8`, the exact media type every mcp-warden
 * adapter uses so clients see one behaviour whatever the framework.
 */
export function sendJson(reply: FastifyReply, answer: JsonAnswer): FastifyReply {
  return reply
    .code(answer.status)
    .headers({ ...answer.headers, 'content-type': 'application/json; charset=utf-8' })
    .send(JSON.stringify(answer.body));
}
