/**
 * Test fixture: a real HTTP server on 127.0.0.1:0 that hands each request to a Fetch-API
 * handler, so tests exercise the same bytes a client on the network would see. Test-only: the
 * package's own code never imports node:http.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FetchHandler = (request: Request) => Promise<Response | undefined> | Response | undefined;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Every request path seen, in order (query included). */
  readonly seen: string[];
  /** Replaces the handler (e.g. once the server's own URL is known). */
  setHandler(handler: FetchHandler): void;
  close(): Promise<void>;
}

export async function startTestServer(initial: FetchHandler = () => undefined): Promise<TestServer> {
  let handler = initial;
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    void answer(req, res);
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const request = new Request(`${base}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
    try {
      const response = (await handler(request)) ?? new Response('not found', { status: 404 });
      res.statusCode = response.status;
      response.headers.forEach((value, name) => {
        res.setHeader(name, value);
      });
      const body = request.method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer());
      res.end(body);
    } catch {
      res.statusCode = 500;
      res.end('fixture handler failed');
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    setHandler: (next) => {
      handler = next;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
