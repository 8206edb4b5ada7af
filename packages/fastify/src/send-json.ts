/**
 * Answers an authentication failure (a rejection from the core, or the fail-closed fallback)
 * through Fastify's own `reply`.
 *
 * @module
 */
import type { HttpAnswer } from '@mcp-warden/core/adapter';
import type { FastifyReply } from 'fastify';

/**
 * Sends `answer` as `application/json; charset=utf-8`, the exact media type every mcp-warden
 * adapter uses so clients see one behaviour whatever the framework.
 */
export function sendJson(reply: FastifyReply, answer: HttpAnswer): FastifyReply {
  return reply
    .code(answer.status)
    .headers({ ...answer.headers, 'content-type': 'application/json; charset=utf-8' })
    .send(JSON.stringify(answer.body));
}
