/**
 * Answers an authentication failure (a rejection from the core, or the fail-closed fallback)
 * through Hono's own `c.json`.
 *
 * @module
 */
import type { HttpAnswer } from '@mcp-warden/core/adapter';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The answer as `application/json; charset=utf-8`, the exact media type every mcp-warden adapter
 * uses so clients see one behaviour whatever the framework.
 */
export function sendJson(c: Context, answer: HttpAnswer): Response {
  return c.json(answer.body, answer.status as ContentfulStatusCode, {
    ...answer.headers,
    'Content-Type': 'application/json; charset=utf-8',
  });
}
