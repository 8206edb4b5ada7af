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
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
