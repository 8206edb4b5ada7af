/**
 * The attacker's key server: where `jku`, `x5u` and `jwk` headers of forged tokens point. It
 * serves the attacker's public key as a JWKS (and as anything else asked for) and counts every
 * request; RFC 8725 §3.1 holds only if that count stays zero.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

export interface AttackerKeyServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Requests received so far, by path. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Starts the attacker's server publishing `jwk`.
 *
 * @example
 * ```ts
 * const attacker = await startAttackerKeyServer(attackerKey.jwk);
 * // … send tokens with jku: `${attacker.url}/jwks.json` …
 * expect(attacker.requests).toEqual([]);
 * ```
 */
export async function startAttackerKeyServer(jwk: JWK): Promise<AttackerKeyServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
