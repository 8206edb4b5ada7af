/**
 * The local JWKS server every JWT variant reads, mcp-warden and peers alike. Each named key set
 * is served at `/jwks/<name>.json`; requests are counted per set (the cold-start target counts
 * fetches) and a set can be made slow, so concurrent requests pile up behind one fetch.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** A running JWKS server. */
export interface JwksServer {
  /** `http://127.0.0.1:PORT`: the issuer every token names. */
  issuer: string;
  /** The URL of a named key set. */
  url(name: string): string;
  /** Serves `keys` under `name` (replacing what was there: a key rotation). */
  publish(name: string, keys: JWK[]): void;
  /** Delays every answer for `name` by `ms`. */
  setDelay(name: string, ms: number): void;
  /** How many times `name` was requested. */
  fetches(name: string): number;
  close(): Promise<void>;
}

const PATH = /^\/jwks\/([A-Za-z0-9_-]+)\.json$/;

/** Starts the server on 127.0.0.1 and a free port. */
export async function startJwksServer(): Promise<JwksServer> {
  const sets = new Map<string, string>();
  const delays = new Map<string, number>();
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const name = PATH.exec(req.url ?? '')?.[1];
    const body = name === undefined ? undefined : sets.get(name);
    if (name === undefined || body === undefined || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const send = () => res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
    const delay = delays.get(name) ?? 0;
    if (delay > 0) setTimeout(send, delay);
    else send();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    url: (name) => `${issuer}/jwks/${name}.json`,
    publish: (name, keys) => sets.set(name, JSON.stringify({ keys })),
    setDelay: (name, ms) => delays.set(name, ms),
    fetches: (name) => counts.get(name) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
