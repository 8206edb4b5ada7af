/**
 * Sends one request over real HTTP with `node:http`, not `fetch`: `fetch` merges repeated headers
 * and refuses some methods, while the cases need the exact bytes a client could send (two
 * `Authorization` headers, HEAD, OPTIONS).
 *
 * @module
 */
import { request as httpRequest } from 'node:http';

/** A request as a case describes it. Header names keep their case; repeats are sent as repeats. */
export interface CaseRequest {
  method: string;
  path: string;
  headers?: [name: string, value: string][];
  /** Sent as `application/json` when present. */
  json?: unknown;
  /**
   * A body sent as given, with the case's own headers (Content-Type, Content-Encoding); with
   * `chunked` it goes out in 1 KiB chunks without a Content-Length.
   */
  raw?: { body: string | Buffer; chunked?: boolean };
}

/** What came back. Header names are lower-case; a repeated header is joined with `, `. */
export interface ObservedResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Sends `req` to `baseUrl` (an `http://127.0.0.1:<port>` origin) and reads the whole answer. */
export function exchange(baseUrl: string, req: CaseRequest): Promise<ObservedResponse> {
  const url = new URL(req.path, baseUrl);
  const body = req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json));
  const raw: string[] = ['Host', url.host];
  for (const [name, value] of req.headers ?? []) raw.push(name, value);
  if (body !== undefined) raw.push('Content-Type', 'application/json', 'Content-Length', String(body.length));
  const rawBody = req.raw === undefined ? undefined : Buffer.from(req.raw.body);
  if (rawBody !== undefined && !req.raw?.chunked) raw.push('Content-Length', String(rawBody.length));
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: `${url.pathname}${url.search}`, headers: raw },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headersDistinct)) headers[name] = (value ?? []).join(', ');
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    outgoing.on('error', (error) => {
      // A server that answers before reading the whole body may close while it is still sent.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE' && (error as NodeJS.ErrnoException).code !== 'ECONNRESET')
        reject(error);
    });
    if (rawBody === undefined) {
      outgoing.end(body);
      return;
    }
    if (!req.raw?.chunked) {
      outgoing.end(rawBody);
      return;
    }
    for (let offset = 0; offset < rawBody.length; offset += 1024)
      outgoing.write(rawBody.subarray(offset, offset + 1024));
    outgoing.end();
  });
}
