import type { AuthError } from '@mcp-warden/core';
import type { FastifyReply } from 'fastify';

/** Answers an {@link AuthError} through Fastify's own reply path. */
export function sendAuthError(reply: FastifyReply, error: AuthError): FastifyReply {
  return reply.code(error.status).send(error.toJSON());
}
