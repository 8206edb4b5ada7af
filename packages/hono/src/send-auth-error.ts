import type { AuthError } from '@mcp-warden/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Answers an {@link AuthError} through Hono's own reply path. */
export function sendAuthError(c: Context, error: AuthError): Response {
  return c.json(error.toJSON(), error.status as ContentfulStatusCode);
}
