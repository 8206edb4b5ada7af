/**
 * Test-only: the key pool and the token generator of the differential tests
 * (jws-engine.differential.test.ts, docs/security.md "Two engines, one decision"). Keys are made
 * once per run with node:crypto; tokens are assembled and signed by hand so that every part can be
 * wrong in every way a token can be: its header, its claims, its encoding, its signature, its key.
 *
 * @module
 */

import {
  constants,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  sign,
} from 'node:crypto';
import fc from 'fast-check';
import type { JWK } from 'jose';
import { SUPPORTED_JWT_ALGORITHMS } from '../jwt/jwt-algorithms.js';

export const ISSUER = 'https://issuer.differential.test/';
export const ISSUER_ALIAS = 'https://issuer.differential.test';
export const RESOURCE = 'https://mcp.differential.test/mcp';
/** Long enough for HS512 (RFC 7518 §3.2). */
export const SECRET = 'differential-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP';
/** The instant every case is decided at (fake `Date`), so time claims sit exactly on their edges. */
export const NOW = 1_900_000_000;

/** Every algorithm mcp-warden allows. */
export const ALGORITHMS = SUPPORTED_JWT_ALGORITHMS;

/** A private key of the pool and its public JWK (with a `kid` unless `kid` is undefined). */
export interface PoolKey {
  id: string;
  kind: 'rsa' | 'ec' | 'ed25519' | 'ed448';
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JWK;
}

/** Keys that sign, and secrets that MAC. */
export interface KeyPool {
  keys: Record<string, PoolKey>;
  secrets: Record<string, Uint8Array<ArrayBuffer>>;
  /** The JWKS an issuer publishes: everything but the attackers' keys, two RSA keys without `kid`. */
  jwks: { keys: JWK[] };
}

function poolKey(id: string, kind: PoolKey['kind'], privateKey: KeyObject, kid: string | undefined): PoolKey {
  const publicKey = createPublicKey(privateKey);
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), ...(kid === undefined ? {} : { kid }) };
  return { id, kind, privateKey, publicKey, jwk };
}

/** Generates the pool (about a second: three RSA keys). */
export function createKeyPool(): KeyPool {
  const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
  const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).privateKey;
  const keys: Record<string, PoolKey> = {};
  for (const key of [
    poolKey('rsa-a', 'rsa', rsa(2048), 'rsa-a'),
    poolKey('rsa-b', 'rsa', rsa(2048), undefined),
    poolKey('rsa-weak', 'rsa', rsa(1024), 'rsa-weak'),
    poolKey('ec-256', 'ec', ec('P-256'), 'ec-256'),
    poolKey('ec-384', 'ec', ec('P-384'), 'ec-384'),
    poolKey('ec-521', 'ec', ec('P-521'), 'ec-521'),
    poolKey('ed25519', 'ed25519', generateKeyPairSync('ed25519').privateKey, 'ed25519'),
    poolKey('ed448', 'ed448', generateKeyPairSync('ed448').privateKey, 'ed448'),
    poolKey('attacker-rsa', 'rsa', rsa(2048), 'rsa-a'),
    poolKey('attacker-ec', 'ec', ec('P-256'), 'ec-256'),
  ]) {
    keys[key.id] = key;
  }
  const encoder = new TextEncoder();
  const secrets: Record<string, Uint8Array<ArrayBuffer>> = {
    secret: encoder.encode(SECRET),
    'wrong-secret': encoder.encode(`${SECRET}-not-this-one`),
    // RFC 8725 §2.1: the public key's own text used as an HMAC secret.
    'pem-as-secret': encoder.encode(keys['rsa-a']!.publicKey.export({ format: 'pem', type: 'spki' }) as string),
    'jwk-n-as-secret': encoder.encode(String(keys['rsa-a']!.jwk.n)),
  };
  const published = ['rsa-a', 'rsa-b', 'rsa-weak', 'ec-256', 'ec-384', 'ec-521', 'ed25519', 'ed448'];
  return { keys, secrets, jwks: { keys: published.map((id) => keys[id]!.jwk) } };
}

const DIGEST: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** The digest an algorithm name implies, else SHA-256. */
function digestOf(alg: unknown): string {
  return (typeof alg === 'string' && DIGEST[alg.slice(-3)]) || 'sha256';
}

/** How a signature is made: with which key or secret, and for RSA-PSS which salt length. */
export interface Signer {
  key: string;
  /** RSA keys: PKCS#1 v1.5 or PSS; `pss-short-salt` signs PSS with a salt shorter than the hash. */
  rsa?: 'pkcs1' | 'pss' | 'pss-short-salt';
}

/**
 * Signatures already made, by signer and signing input: many cases share a header and claims
 * set, and an RSA signature costs a millisecond, most of a case's time. Deterministic signatures
 * (all but PSS and ECDSA) only; bounded so a long run does not grow without end.
 */
const signatures = new Map<string, Buffer>();
const MAX_REMEMBERED_SIGNATURES = 50_000;

/** Signs `data` as the header's `alg` suggests, with whatever key the case chose. */
export function signWith(pool: KeyPool, signer: Signer, alg: unknown, data: Buffer): Buffer {
  const deterministic = pool.secrets[signer.key] !== undefined || pool.keys[signer.key]?.kind !== 'ec';
  if (!deterministic || (signer.rsa !== undefined && signer.rsa !== 'pkcs1')) return signNow(pool, signer, alg, data);
  const memo = `${signer.key}|${signer.rsa}|${digestOf(alg)}|${data.toString('latin1')}`;
  let signature = signatures.get(memo);
  if (signature === undefined) {
    signature = signNow(pool, signer, alg, data);
    if (signatures.size >= MAX_REMEMBERED_SIGNATURES) signatures.clear();
    signatures.set(memo, signature);
  }
  return signature;
}

function signNow(pool: KeyPool, signer: Signer, alg: unknown, data: Buffer): Buffer {
  const digest = digestOf(alg);
  const secret = pool.secrets[signer.key];
  if (secret !== undefined) return createHmac(digest, secret).update(data).digest();
  const key = pool.keys[signer.key]!;
  switch (key.kind) {
    case 'rsa':
      if (signer.rsa === 'pkcs1' || signer.rsa === undefined) return sign(digest, data, key.privateKey);
      try {
        return sign(digest, data, {
          key: key.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: signer.rsa === 'pss' ? Number(digest.slice(3)) / 8 : 20,
        });
      } catch {
        // A 1024-bit key has no room for PSS with SHA-512 and a 64-byte salt: PKCS#1 v1.5 then.
        return sign(digest, data, key.privateKey);
      }
    case 'ec':
      return sign(digest, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    default:
      return sign(null, data, key.privateKey);
  }
}

/** The key that really signs for `alg` in the pool (what a well-behaved issuer uses). */
export function rightSigner(alg: unknown): Signer {
  switch (typeof alg === 'string' ? alg.slice(0, 2) : '') {
    case 'HS':
      return { key: 'secret' };
    case 'RS':
      return { key: 'rsa-a', rsa: 'pkcs1' };
    case 'PS':
      return { key: 'rsa-a', rsa: 'pss' };
    case 'ES':
      return { key: alg === 'ES384' ? 'ec-384' : alg === 'ES512' ? 'ec-521' : 'ec-256' };
    default:
      return { key: 'ed25519' };
  }
}

/** What can be done to a well-formed token after it is signed. */
export const MUTATIONS = [
  'none',
  'flip-signature-bit',
  'flip-payload-bit',
  'truncate-signature',
  'truncate-payload',
  'truncate-header',
  'empty-signature',
  'extra-dot',
  'drop-segment',
  'leading-dot',
  'non-canonical-last-char',
  'padding',
  'invalid-character',
  'standard-alphabet',
  'whitespace',
  'swap-header-payload',
  'append-signature-byte',
  'signature-of-zeros',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** One generated case: a header, a claims set, how they are encoded and signed, and what is done after. */
export interface TokenCase {
  header: Record<string, unknown>;
  /** How the header is serialized: JSON of an object, or something that is not. */
  headerForm: 'json' | 'bom' | 'array' | 'string' | 'null' | 'number' | 'not-json' | 'invalid-utf8' | 'empty';
  claims: Record<string, unknown>;
  /** Raw JSON text replacing a claim's value (`1e400`, `"123"`, `null`), applied after JSON.stringify. */
  rawClaims: Record<string, string>;
  payloadForm: 'json' | 'bom' | 'array' | 'string' | 'number' | 'not-json' | 'invalid-utf8' | 'empty' | 'non-ascii';
  signer: Signer;
  mutation: Mutation;
  mutationAt: number;
}

/**
 * Byte sequences that are not well-formed UTF-8 (Unicode §3.9): a surrogate, a bad continuation,
 * overlong forms, a truncated sequence, a code point past U+10FFFF, five- and six-byte forms, a
 * lone continuation byte, 0xFF; and, last, a well-formed sequence (a BOM mid-text) for contrast.
 */
const ILL_FORMED_UTF8: readonly number[][] = [
  [0xed, 0xa0, 0x80],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80],
  [0x80],
  [0xff],
  [0xef, 0xbb, 0xbf],
];

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

function encodeHeader(tokenCase: TokenCase): string {
  const json = JSON.stringify(tokenCase.header);
  switch (tokenCase.headerForm) {
    case 'json':
      return b64(json);
    case 'bom':
      return b64(`\uFEFF${json}`);
    case 'array':
      return b64(JSON.stringify([tokenCase.header]));
    case 'string':
      return b64(JSON.stringify(json));
    case 'null':
      return b64('null');
    case 'number':
      return b64('42');
    case 'not-json':
      return b64(json.slice(0, -1));
    case 'invalid-utf8':
      return b64(
        Buffer.concat([
          Buffer.from('{"x":"'),
          Buffer.from(ILL_FORMED_UTF8[tokenCase.mutationAt % ILL_FORMED_UTF8.length]!),
          Buffer.from(`",${json.slice(1)}`),
        ]),
      );
    default:
      return '';
  }
}

function encodePayload(tokenCase: TokenCase): string {
  let json = JSON.stringify(tokenCase.claims);
  for (const [claim, raw] of Object.entries(tokenCase.rawClaims)) {
    json = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${JSON.stringify(claim)}:${raw}}`;
  }
  switch (tokenCase.payloadForm) {
    case 'json':
      return b64(json);
    case 'bom':
      return b64(`\uFEFF${json}`);
    case 'array':
      return b64(`[${json}]`);
    case 'string':
      return b64(JSON.stringify(json));
    case 'number':
      return b64('1');
    case 'not-json':
      return b64(`${json},`);
    case 'invalid-utf8':
      return b64(
        Buffer.concat([
          Buffer.from('{"x":"'),
          Buffer.from(ILL_FORMED_UTF8[tokenCase.mutationAt % ILL_FORMED_UTF8.length]!),
          Buffer.from(`",${json.slice(1)}`),
        ]),
      );
    case 'non-ascii':
      return b64(`${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"name":"Zoë ☃ 𝄞"}`);
    default:
      return '';
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function mutate(token: string, mutation: Mutation, at: number): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const flip = (segment: string) => {
    const bytes = Buffer.from(segment, 'base64url');
    if (bytes.length === 0) return segment;
    bytes[at % bytes.length]! ^= 1 << (at % 8);
    return b64(bytes);
  };
  const cut = (segment: string) => segment.slice(0, Math.max(0, segment.length - 1 - (at % 4)));
  switch (mutation) {
    case 'none':
      return token;
    case 'flip-signature-bit':
      return `${header}.${payload}.${flip(signature)}`;
    case 'flip-payload-bit':
      return `${header}.${flip(payload)}.${signature}`;
    case 'truncate-signature':
      return `${header}.${payload}.${cut(signature)}`;
    case 'truncate-payload':
      return `${header}.${cut(payload)}.${signature}`;
    case 'truncate-header':
      return `${cut(header)}.${payload}.${signature}`;
    case 'empty-signature':
      return `${header}.${payload}.`;
    case 'extra-dot':
      return at % 2 === 0 ? `${token}.` : `${header}..${payload}.${signature}`;
    case 'drop-segment':
      return at % 2 === 0 ? `${header}.${payload}` : `${payload}.${signature}`;
    case 'leading-dot':
      return `.${token}`;
    case 'non-canonical-last-char': {
      // Set the unused low bits of the last character (RFC 4648 §3.5): same bytes, another string.
      const segments = [header, payload, signature];
      const which = at % 3;
      const segment = segments[which]!;
      const last = ALPHABET.indexOf(segment.charAt(segment.length - 1));
      if (segment.length % 4 === 0 || last < 0) return `${token}A`;
      segments[which] = segment.slice(0, -1) + ALPHABET.charAt(last | 1);
      return segments.join('.');
    }
    case 'padding': {
      const segments = [header, payload, signature];
      segments[at % 3] += at % 2 === 0 ? '=' : '==';
      return segments.join('.');
    }
    case 'invalid-character': {
      const chars = ['*', '!', '~', 'é', '\u0000', '"'];
      const position = at % (token.length + 1);
      return token.slice(0, position) + chars[at % chars.length] + token.slice(position);
    }
    case 'standard-alphabet':
      return token.replace(/-/g, '+').replace(/_/g, '/');
    case 'whitespace': {
      const position = at % (token.length + 1);
      return `${token.slice(0, position)}${at % 2 === 0 ? ' ' : '\n'}${token.slice(position)}`;
    }
    case 'swap-header-payload':
      return `${payload}.${header}.${signature}`;
    case 'append-signature-byte':
      return `${header}.${payload}.${b64(Buffer.concat([Buffer.from(signature, 'base64url'), Buffer.from([at % 256])]))}`;
    default:
      return `${header}.${payload}.${b64(Buffer.alloc(Buffer.from(signature, 'base64url').length))}`;
  }
}

/** The compact token of a case. */
export function buildToken(pool: KeyPool, tokenCase: TokenCase): string {
  const signingInput = `${encodeHeader(tokenCase)}.${encodePayload(tokenCase)}`;
  const signature = signWith(pool, tokenCase.signer, tokenCase.header.alg, Buffer.from(signingInput));
  return mutate(`${signingInput}.${b64(signature)}`, tokenCase.mutation, tokenCase.mutationAt);
}

/** Header parameters a token may carry: the expected, the unexpected and the hostile. */
const headerArbitrary = fc
  .record(
    {
      alg: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...ALGORITHMS) },
        { weight: 1, arbitrary: fc.constantFrom('none', 'HS1', 'RS1', 'ES256K', 'Ed448', 'ML-DSA-44', '', 'rs256') },
        { weight: 1, arbitrary: fc.constantFrom(256, null, true, ['RS256'], { alg: 'RS256' }) },
      ),
      kid: fc.oneof(
        fc.constantFrom('rsa-a', 'rsa-weak', 'ec-256', 'ec-384', 'ec-521', 'ed25519', 'ed448'),
        fc.constantFrom('unknown', '', '../../etc/passwd', 5, null),
      ),
      typ: fc.constantFrom('at+jwt', 'JWT', 'application/at+jwt', 'jwt', 'dpop+jwt', 'JOSE', '', 7, null),
      crit: fc.constantFrom(['b64'], ['exp'], [], ['b64', 'b64'], 'b64', [1], [''], null, ['b64', 'x']),
      b64: fc.constantFrom(true, false, 'false', 0),
      cty: fc.constantFrom('JWT', 'json'),
      jku: fc.constant('https://attacker.differential.test/jwks'),
      x5c: fc.constant(['MIIB']),
    },
    { requiredKeys: ['alg'] },
  )
  .chain((header) =>
    // Most tokens carry no `crit`/`b64`: without this, almost every case is refused for them.
    fc.boolean().map((keep) => {
      if (keep) return header;
      const { crit: _crit, b64: _b64, ...rest } = header;
      return rest;
    }),
  );

/** A time claim around {@link NOW}: on the edges of the clock tolerance, or not a number at all. */
const timeArbitrary = fc.oneof(
  fc.constantFrom(-100_000, -61, -60, -59, -6, -5, -4, -1, 0, 1, 4, 5, 6, 59, 60, 61, 3600).map((delta) => NOW + delta),
  fc.double({ min: NOW - 10, max: NOW + 10, noNaN: true }),
  fc.constantFrom(0, -1, 2 ** 53, 253_402_300_799, 253_402_300_800),
  fc.constantFrom('1900000000', null, true, [NOW], {}),
);

const claimsArbitrary = fc.record(
  {
    iss: fc.constantFrom(ISSUER, ISSUER_ALIAS, 'https://other.differential.test/', '', 5, null),
    aud: fc.constantFrom(RESOURCE, `${RESOURCE}/`, `${RESOURCE}#x`, [RESOURCE, 'x'], ['x'], 'x', 5, []),
    sub: fc.constantFrom('user-1', '', 5),
    exp: timeArbitrary,
    nbf: timeArbitrary,
    iat: timeArbitrary,
    scope: fc.constantFrom('mcp:tools', 'mcp:tools mcp:admin', '', 5, ['mcp:tools']),
    scp: fc.constantFrom(['mcp:tools'], 'mcp:admin'),
    client_id: fc.constantFrom('client-1', 7),
    azp: fc.constant('azp-1'),
    jti: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

const signerArbitrary: fc.Arbitrary<Signer> = fc.oneof(
  fc.constantFrom('secret', 'wrong-secret', 'pem-as-secret', 'jwk-n-as-secret').map((key) => ({ key })),
  fc.record({
    key: fc.constantFrom('rsa-a', 'rsa-b', 'rsa-weak', 'attacker-rsa'),
    rsa: fc.constantFrom('pkcs1' as const, 'pss' as const, 'pss-short-salt' as const),
  }),
  fc.constantFrom('ec-256', 'ec-384', 'ec-521', 'attacker-ec', 'ed25519', 'ed448').map((key) => ({ key })),
);

/** Cases biased towards tokens that are valid but for one thing, so both sides of every check are reached. */
export const tokenCaseArbitrary: fc.Arbitrary<TokenCase> = fc
  .record({
    header: headerArbitrary,
    headerForm: fc.oneof(
      { weight: 20, arbitrary: fc.constant('json' as const) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'bom' as const,
          'array' as const,
          'string' as const,
          'null' as const,
          'number' as const,
          'not-json' as const,
          'invalid-utf8' as const,
          'empty' as const,
        ),
      },
    ),
    claims: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 2, arbitrary: claimsArbitrary }),
    rawClaims: fc.oneof(
      { weight: 10, arbitrary: fc.constant({}) },
      {
        weight: 1,
        arbitrary: fc.dictionary(
          fc.constantFrom('exp', 'nbf', 'iat', 'iss'),
          fc.constantFrom('1e400', '-1e400', '1.9e9', '"1900000000"', 'null', '1900000060.5', '-0'),
          { maxKeys: 2 },
        ),
      },
    ),
    payloadForm: fc.oneof(
      { weight: 20, arbitrary: fc.constant('json' as const) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'bom' as const,
          'array' as const,
          'string' as const,
          'number' as const,
          'not-json' as const,
          'invalid-utf8' as const,
          'empty' as const,
          'non-ascii' as const,
        ),
      },
    ),
    rightKey: fc.nat(9),
    cleanHeader: fc.nat(4),
    signer: signerArbitrary,
    mutation: fc.oneof(
      { weight: 12, arbitrary: fc.constant('none' as const) },
      { weight: 1, arbitrary: fc.constantFrom(...MUTATIONS) },
    ),
    mutationAt: fc.nat(10_000),
  })
  .map(({ rightKey, cleanHeader, ...tokenCase }) => {
    // Usually a well-behaved issuer: the header and claims a valid token has, signed with the right key.
    const claims = { iss: ISSUER, aud: RESOURCE, exp: NOW + 300, iat: NOW - 10, ...tokenCase.claims };
    const { alg } = tokenCase.header;
    const signer = rightKey >= 7 ? tokenCase.signer : rightSigner(alg);
    const kid = poolKid(rightSigner(alg).key);
    const header = cleanHeader >= 2 ? { alg, typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) } : tokenCase.header;
    return { ...tokenCase, header, claims, signer };
  });

/** The `kid` the pool gives a key (its id), none for secrets. */
function poolKid(key: string): string | undefined {
  return key.includes('secret') ? undefined : key;
}

/** The public JWK of a pool key as `node:crypto` reads it. */
export function jwkOf(key: PoolKey): JsonWebKey {
  return key.jwk as JsonWebKey;
}
