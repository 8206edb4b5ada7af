/**
 * Test-only: a real HTTP server on 127.0.0.1 standing in for an authorization server, with its own
 * signing key, metadata (`issuer`, `jwks_uri`, optionally `introspection_endpoint`), JWKS and a
 * request log, so tests can assert what was (and was not) fetched.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import { type MintOptions, mint, type TestKeyPair, testKeyPair } from './signing-keys.js';

/** One request the local issuer received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LocalIssuer {
  /** `http://127.0.0.1:<port>` (also the issuer identifier unless `issuerSuffix` was given). */
  base: string;
  issuer: string;
  jwksUri: string;
  key: TestKeyPair;
  requests: ReceivedRequest[];
  /** Extra metadata members (e.g. `introspection_endpoint`), changeable between tests. */
  metadata: Record<string, unknown>;
  /** Answers an introspection POST at `/introspect`; default `{ active: false }`. */
  introspect: (form: URLSearchParams, request: ReceivedRequest) => unknown;
  /** A token signed by this issuer's key with `iss` = this issuer. */
  mint(claims?: JWTPayload, options?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

/** Starts a local issuer; `alg` is its signing algorithm (default RS256). */
export async function startLocalIssuer(options: { alg?: string; kid?: string } = {}): Promise<LocalIssuer> {
  const alg = options.alg ?? 'RS256';
  const key = await testKeyPair(alg, options.kid ?? `${alg}-${Math.random().toString(36).slice(2, 8)}`);
  let server: Server | undefined;
  const state: LocalIssuer = {
    base: '',
    issuer: '',
    jwksUri: '',
    key,
    requests: [],
    metadata: {},
    introspect: () => ({ active: false }),
    mint: (claims = {}, mintOptions = {}) =>
      mint(key.privateKey, alg, { iss: state.issuer, ...claims }, { header: { kid: key.jwk.kid }, ...mintOptions }),
    close: () =>
      new Promise<void>((resolve) => {
        server?.closeAllConnections();
        server?.close(() => resolve());
      }),
  };
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: await readBody(req),
    };
    state.requests.push(request);
    res.setHeader('content-type', 'application/json');
    if (request.path === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: state.issuer, jwks_uri: state.jwksUri, ...state.metadata }));
    } else if (request.path === '/jwks') {
      res.end(JSON.stringify({ keys: [key.jwk] }));
    } else if (request.path === '/introspect' && request.method === 'POST') {
      res.end(JSON.stringify(state.introspect(new URLSearchParams(request.body), request)));
    } else {
      res.statusCode = 404;
      res.end('{"error":"not_found"}');
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.issuer = state.base;
  state.jwksUri = `${state.base}/jwks`;
  return state;
}
