/**
 * A stand-in authorization server on 127.0.0.1, in Node: discovery metadata (RFC 8414 §3), a JWKS
 * it can rotate, tokens signed with its keys, and a count of what the runtime under test fetched.
 *
 * @module
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export const RESOURCE = 'https://mcp.example.com/mcp';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export interface TestProvider {
  base: string;
  /** The metadata document served at `/.well-known/openid-configuration`. */
  document: Record<string, unknown>;
  /** How many times each path was fetched. */
  fetched(path: string): number;
  /** Publishes the keys with these ids in the JWKS (both exist from the start: `k1`, `k2`). */
  publish(...kids: string[]): void;
  /** A token signed with key `kid` (default `k1`); claims override the defaults (aud, exp, …). */
  mint(claims?: Record<string, unknown>, kid?: string): Promise<string>;
  close(): Promise<void>;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export async function startProvider(): Promise<TestProvider> {
  const keys = [await signingKey('k1'), await signingKey('k2')];
  let published = ['k1'];
  const counts = new Map<string, number>();
  let document: Record<string, unknown> = {};
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    res.setHeader('content-type', 'application/json');
    if (path === '/.well-known/openid-configuration') return res.end(JSON.stringify(document));
    if (path === '/jwks') {
      return res.end(JSON.stringify({ keys: keys.filter((key) => published.includes(key.kid)).map((key) => key.jwk) }));
    }
    res.statusCode = 404;
    res.end('{"error":"not_found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  document = {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwks`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  };
  return {
    base,
    document,
    fetched: (path) => counts.get(path) ?? 0,
    publish(...kids) {
      published = kids;
    },
    async mint(claims = {}, kid = 'k1') {
      const key = keys.find((candidate) => candidate.kid === kid)!;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: base,
        aud: RESOURCE,
        sub: 'alice',
        scope: 'mcp:tools',
        iat: now,
        exp: now + 300,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .sign(key.privateKey);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
