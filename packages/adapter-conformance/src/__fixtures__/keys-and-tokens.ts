/**
 * Keys, tokens and constants the cases share. The RS256 key pair is generated for each run (jose
 * `generateKeyPair`); the core is configured with its public key exactly as a user would, through
 * `MCP_JWT_PUBLIC_KEY`.
 *
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  SignJWT,
  UnsecuredJWT,
} from 'jose';

/** The MCP endpoint's public URL (`MCP_RESOURCE_URL`): the default audience and the RFC 9728 `resource`. */
export const RESOURCE_URL = 'http://localhost:8000/mcp';
/** Where the challenge sends clients (RFC 6750 §3, RFC 9728 §5.1): the path-inserted RFC 9728 URL (RFC 9728 §3.1). */
export const RESOURCE_METADATA_URL = 'http://localhost:8000/.well-known/oauth-protected-resource/mcp';
/** An Auth0-style issuer: the trailing slash is part of the exact string (RFC 9728 §2). */
export const ISSUER = 'https://auth.example.com/';
/** The one configured API key (`MCP_API_KEYS`). */
export const API_KEY = 'conformance-key-7f3a9c';
/** A Basic user (`MCP_BASIC_AUTH_USERS`) configured with its password in clear. */
export const BASIC_USER = { user: 'ada', password: 'ada-conformance-password-1' };
/** A Basic user configured by the SHA-256 of its password; user id and password outside ASCII (RFC 7617 §2.1). */
export const BASIC_DIGEST_USER = { user: 'zoë', password: 'pässwörd:with-a-colon' };
/** The `Authorization` value of Basic credentials, as curl and browsers send it. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
/** The web client origin the scenarios with an origin allowlist admit. */
export const ALLOWED_ORIGIN = 'https://inspector.example.org';
export const SCOPES_SUPPORTED = ['mcp:read', 'mcp:write', 'mcp:deploy', 'mcp:admin'];
/** The `algs` of the DPoP challenge: the default `MCP_DPOP_ALGORITHMS` (RFC 9449 §7.1). */
export const DPOP_ALGS = 'ES256 EdDSA RS256 PS256';

/** Every token a case can send, each made for one situation. */
export interface Tokens {
  /** Every scope. */
  full: string;
  read: string;
  readWrite: string;
  /** `mcp:read mcp:write mcp:deploy`: may call the `deploy` tool, not the `wipe` tool. */
  deploy: string;
  expired: string;
  wrongAudience: string;
  wrongIssuer: string;
  /** Signed with a key the server does not know. */
  foreignKey: string;
  /** `alg: none` (RFC 8725 §3.1). */
  unsigned: string;
  /** Every scope, bound to {@link Fixtures.dpop}'s client key (`cnf.jkt`, RFC 9449 §6.1). */
  dpopBound: string;
  /** `mcp:read` only, bound to the same key. */
  dpopBoundRead: string;
}

/** A DPoP client key pair (RFC 9449 §4.2). */
export interface DpopClientKey {
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
  privateJwk: JWK;
  /** RFC 7638 thumbprint: the `cnf.jkt` of tokens bound to this key. */
  jkt: string;
}

/** What a proof may get wrong, one thing per negative case. */
export interface ProofOptions {
  htm?: string;
  /** Default: the resource URL's origin and `path`. */
  htu?: string;
  path?: string;
  /** The token for `ath`; `null` leaves `ath` out. */
  token: string | null;
  /** Seconds since the epoch (default now). */
  iat?: number;
  nonce?: string;
  header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
  signWith?: CryptoKey | Uint8Array;
}

export interface Fixtures {
  publicKeyPem: string;
  tokens: Tokens;
  /** The DPoP client the bound token belongs to, and a thief with a key of its own. */
  dpop: { client: DpopClientKey; thief: DpopClientKey };
  /** Every credential the cases send: none may ever appear in a response body. */
  secrets: string[];
}

interface TokenSpec {
  scope: string;
  clientId: string;
  key?: CryptoKey;
  issuer?: string;
  audience?: string;
  /** Expiry relative to now, in seconds. */
  expiresIn?: number;
}

export async function createFixtures(): Promise<Fixtures> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  const client = await dpopClientKey();
  const thief = await dpopClientKey();
  const sign = (spec: TokenSpec & { cnf?: { jkt: string } }) => {
    const expiresIn = spec.expiresIn ?? 600;
    return new SignJWT({ scope: spec.scope, client_id: spec.clientId, ...(spec.cnf ? { cnf: spec.cnf } : {}) })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .setIssuer(spec.issuer ?? ISSUER)
      .setAudience(spec.audience ?? RESOURCE_URL)
      .setSubject('user-42')
      .setIssuedAt(Math.min(now, now + expiresIn - 60))
      .setExpirationTime(now + expiresIn)
      .sign(spec.key ?? privateKey);
  };

  const tokens: Tokens = {
    full: await sign({ scope: SCOPES_SUPPORTED.join(' '), clientId: 'client-full' }),
    read: await sign({ scope: 'mcp:read', clientId: 'client-read' }),
    readWrite: await sign({ scope: 'mcp:read mcp:write', clientId: 'client-read-write' }),
    deploy: await sign({ scope: 'mcp:read mcp:write mcp:deploy', clientId: 'client-deploy' }),
    expired: await sign({ scope: 'mcp:read', clientId: 'client-expired', expiresIn: -3600 }),
    wrongAudience: await sign({
      scope: 'mcp:read',
      clientId: 'client-elsewhere',
      audience: 'https://other-server.example.com/mcp',
    }),
    wrongIssuer: await sign({ scope: 'mcp:read', clientId: 'client-forged', issuer: 'https://evil.example.com/' }),
    foreignKey: await sign({ scope: 'mcp:read', clientId: 'client-foreign', key: foreign.privateKey }),
    unsigned: new UnsecuredJWT({ scope: 'mcp:read', client_id: 'client-none' })
      .setIssuer(ISSUER)
      .setAudience(RESOURCE_URL)
      .setSubject('user-42')
      .setExpirationTime(now + 600)
      .encode(),
    dpopBound: await sign({ scope: SCOPES_SUPPORTED.join(' '), clientId: 'client-dpop', cnf: { jkt: client.jkt } }),
    dpopBoundRead: await sign({ scope: 'mcp:read', clientId: 'client-dpop', cnf: { jkt: client.jkt } }),
  };

  return {
    publicKeyPem: await exportSPKI(publicKey),
    tokens,
    dpop: { client, thief },
    secrets: [
      API_KEY,
      ...Object.values(tokens),
      ...[BASIC_USER, BASIC_DIGEST_USER].flatMap(({ user, password }) => [
        password,
        basicAuthorization(user, password).slice('Basic '.length),
      ]),
      // The DPoP private keys: one case sends a proof whose header carries the private key.
      ...[client, thief].map(({ privateJwk }) => String(privateJwk.d)),
    ],
  };
}

async function dpopClientKey(alg = 'ES256'): Promise<DpopClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, privateJwk: await exportJWK(privateKey), jkt: await calculateJwkThumbprint(jwk) };
}

/**
 * A fresh DPoP proof (RFC 9449 §4.2) by `key` for a request to `path` on the configured resource's
 * origin (the server builds `htu` from it, never from `Host`), with a new `jti` each call.
 */
export function dpopProof(key: DpopClientKey, options: ProofOptions): Promise<string> {
  const payload: Record<string, unknown> = {
    jti: randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu ?? new URL(options.path ?? '/mcp', RESOURCE_URL).href,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  };
  if (options.token !== null) payload.ath = createHash('sha256').update(options.token).digest('base64url');
  if (options.nonce !== undefined) payload.nonce = options.nonce;
  const header = { alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...options.header } as JWTHeaderParameters;
  return new SignJWT(payload).setProtectedHeader(header).sign(options.signWith ?? key.privateKey);
}
