/**
 * Answers for the routes the development issuer serves itself (the login page); oidc-provider
 * answers its own endpoints. Errors are JSON `{ error, error_description }`, never a stack trace.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sends a JSON OAuth-style error. */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ error, error_description: description });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Sends an HTML page that must not be cached, framed or run scripts. */
export function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

/** Thrown by {@link readFormBody} when the body is too large or not a form. */
export class BadRequestBody extends Error {}

/** Reads an `application/x-www-form-urlencoded` body of at most `maxBytes`. */
export async function readFormBody(req: IncomingMessage, maxBytes = 16 * 1024): Promise<URLSearchParams> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new BadRequestBody('the form must be sent as application/x-www-form-urlencoded');
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    received += (chunk as Buffer).length;
    if (received > maxBytes) throw new BadRequestBody(`the form is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
