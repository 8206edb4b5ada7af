/**
 * The identity provider the hardening suite controls: a real HTTP server on 127.0.0.1 serving
 * OpenID discovery, a JWKS and RFC 7662 introspection, which the test can take down (port closed),
 * bring back on the same port, slow down, or make answer garbage, an oversized body or an empty key
 * set. It also mints the tokens, so the suite signs with keys only it and the provider know.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { freePort } from '../e2e/server-process.js';

/** How the provider answers. `down` closes the port (connection refused). */
export type ProviderMode = 'ok' | 'down' | 'slow' | 'garbage' | 'oversized' | 'empty';

/** One signing key the provider may publish. */
export interface ProviderKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
  spki: string;
}

/** The introspection client the server under test must authenticate as (RFC 7662 §2.1). */
export const INTROSPECTION_CLIENT = { id: 'warden-hardening-rs', secret: 'introspection-secret-5f0c2b9e7d1a' };

/** Creates an RS256 key pair with a key id. */
export async function createProviderKey(kid: string): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
    spki: await exportSPKI(publicKey),
  };
}

export interface MintOptions {
  /** Key to sign with (default: the provider's first key). */
  key?: ProviderKey;
  /** Extra or replacing protected-header parameters. */
  header?: Record<string, unknown>;
  /** Seconds from now; `null` omits `exp`. Default 600. */
  expiresIn?: number | null;
}

/** A running fake provider. */
export interface FakeProvider {
  /** The issuer (`http://127.0.0.1:PORT`), exactly as its discovery document names it. */
  issuer: string;
  port: number;
  /** The keys that can sign; `published` decides which appear in the JWKS. */
  keys: ProviderKey[];
  /** The kids currently in the JWKS (default: every key). */
  published: Set<string>;
  /** Opaque tokens introspection calls active, with their claims. */
  activeTokens: Map<string, Record<string, unknown>>;
  /**
   * Introspection answers sent exactly as written, for JSON no serialiser produces (`"exp":1e400`);
   * checked before `activeTokens`.
   */
  rawIntrospectionAnswers: Map<string, string>;
  /** How many requests each path received. */
  hits: Map<string, number>;
  /**
   * Switch the behaviour; `down` closes the listener, leaving it brings it back on the same port.
   * `only` limits the mode to one path; `delays` sets a per-path delay in `slow` mode (others wait
   * `delayMs`).
   */
  setMode(
    mode: ProviderMode,
    options?: { delayMs?: number; only?: string; delays?: Record<string, number> },
  ): Promise<void>;
  mode(): ProviderMode;
  /** A signed token for `audience`, from this issuer unless the claims say otherwise. */
  mint(audience: string, claims?: JWTPayload, options?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

const JWKS_PATH = '/jwks';
const INTROSPECTION_PATH = '/introspect';
/** Bigger than core's 256 KiB JWKS cap and 64 KiB introspection cap. */
const OVERSIZED_BYTES = 600 * 1024;

/**
 * Starts the provider with `keyCount` keys (`k1`, `k2`, …), all published.
 *
 * @example
 * ```ts
 * const provider = await startFakeProvider();
 * const token = await provider.mint('http://127.0.0.1:8000/mcp', { scope: 'mcp:tools' });
 * await provider.setMode('down');
 * ```
 */
export async function startFakeProvider(keyCount = 2): Promise<FakeProvider> {
  const keys = await Promise.all(Array.from({ length: keyCount }, (_, i) => createProviderKey(`k${i + 1}`)));
  let mode: ProviderMode = 'ok';
  let delayMs = 0;
  let onlyPath: string | undefined;
  let delays: Record<string, number> = {};
  const published = new Set(keys.map((key) => key.kid));
  const activeTokens = new Map<string, Record<string, unknown>>();
  const rawIntrospectionAnswers = new Map<string, string>();
  const hits = new Map<string, number>();
  const pending = new Set<ServerResponse>();
  let server: Server;
  let port = 0;
  let issuer = '';

  function discovery(): Record<string, unknown> {
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}${JWKS_PATH}`,
      introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials'],
      code_challenge_methods_supported: ['S256'],
    };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    return body;
  }

  async function introspect(req: IncomingMessage): Promise<string> {
    const expected = `Basic ${Buffer.from(`${INTROSPECTION_CLIENT.id}:${INTROSPECTION_CLIENT.secret}`).toString('base64')}`;
    const form = new URLSearchParams(await readBody(req));
    if (req.headers.authorization !== expected) return JSON.stringify({ active: false });
    const token = form.get('token') ?? '';
    const raw = rawIntrospectionAnswers.get(token);
    if (raw !== undefined) return raw;
    const claims = activeTokens.get(token);
    return JSON.stringify(claims === undefined ? { active: false } : { active: true, ...claims });
  }

  function send(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const affected = onlyPath === undefined || onlyPath === path;
    if (affected && mode === 'slow') {
      pending.add(res);
      await new Promise((resolve) => setTimeout(resolve, delays[path] ?? delayMs));
      pending.delete(res);
      if (res.destroyed) return;
    } else if (affected && mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>502 Bad Gateway</html>{"keys":[');
      return;
    } else if (affected && mode === 'oversized') {
      // A well-formed JSON document, only too big: streamed without a Content-Length so the cap
      // has to be enforced while reading, not just on the declared length.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[],"padding":"');
      const chunk = 'x'.repeat(64 * 1024);
      for (let sent = 0; sent < OVERSIZED_BYTES; sent += chunk.length) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        if (res.destroyed) return;
      }
      res.end('"}');
      return;
    } else if (affected && mode === 'empty' && path === JWKS_PATH) {
      send(res, 200, JSON.stringify({ keys: [] }));
      return;
    }

    if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') {
      send(res, 200, JSON.stringify(discovery()));
    } else if (path === JWKS_PATH) {
      send(res, 200, JSON.stringify({ keys: keys.filter((key) => published.has(key.kid)).map((key) => key.jwk) }));
    } else if (path === INTROSPECTION_PATH && req.method === 'POST') {
      send(res, 200, await introspect(req));
    } else {
      send(res, 404, JSON.stringify({ error: 'not_found' }));
    }
  }

  async function listenOn(candidate: number): Promise<void> {
    server = createServer((req, res) => {
      answer(req, res).catch(() => res.destroy());
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(candidate, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    issuer = `http://127.0.0.1:${port}`;
  }

  /**
   * The first time on a port outside the ephemeral range (freePort), so that while the provider
   * is down no outgoing connection of a concurrent test can take the port it must come back on.
   */
  async function listen(): Promise<void> {
    if (port !== 0) return listenOn(port);
    for (let attempt = 1; ; attempt++) {
      try {
        return await listenOn(await freePort());
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw error;
      }
    }
  }

  async function stop(): Promise<void> {
    for (const res of pending) res.destroy();
    pending.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  await listen();

  return {
    get issuer() {
      return issuer;
    },
    get port() {
      return port;
    },
    keys,
    published,
    activeTokens,
    rawIntrospectionAnswers,
    hits,
    async setMode(next, options = {}) {
      const wasDown = mode === 'down';
      mode = next;
      delayMs = options.delayMs ?? 0;
      onlyPath = options.only;
      delays = options.delays ?? {};
      if (next === 'down' && !wasDown) await stop();
      if (next !== 'down' && wasDown) await listen();
    },
    mode: () => mode,
    async mint(audience, claims = {}, options = {}) {
      const key = options.key ?? keys[0]!;
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { iss: issuer, aud: audience, sub: 'hardening-user', iat: now, ...claims };
      if (options.expiresIn !== null && payload.exp === undefined) payload.exp = now + (options.expiresIn ?? 600);
      if (options.expiresIn === null) delete payload.exp;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...options.header })
        .sign(key.privateKey);
    },
    async close() {
      if (mode !== 'down') await stop();
    },
  };
}
