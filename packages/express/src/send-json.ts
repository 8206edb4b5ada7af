/**
 * Writes an authentication answer (a rejection from the core, or the fail-closed fallback)
 * through Express's own `res`.
 *
 * @module
 */
import type { HttpAnswer } from '@mcp-warden/core/adapter';
import type { Response } from 'express';

/**
 * Sends `answer` as `application/json; charset=utf-8`, the exact media type every mcp-warden
 * adapter uses so clients see one behaviour whatever the framework.
 */
export function sendJson(res: Response, answer: HttpAnswer): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(answer.body));
}
