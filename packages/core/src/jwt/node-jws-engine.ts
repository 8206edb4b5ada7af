/**
 * The `node:crypto` JWS engine (docs/performance.md, "The verification engine"): the same
 * decisions as jose's `jwtVerify` (the reference, `jws-engine.ts`), with the signature checked by
 * OpenSSL synchronously through `node:crypto` instead of WebCrypto, whose per-call job set-up
 * costs more than the RSA arithmetic itself. Nothing here is cryptography of its own: OpenSSL
 * computes and compares, this module only decides which call to make and refuses what jose
 * refuses. The differential tests (docs/security.md, "Two engines, one decision") hold it to jose.
 *
 * What it checks, in jose's order, so that a token refused for two reasons is refused with the
 * same code by both engines:
 *
 * 1. the protected header: base64url, well-formed UTF-8 (one leading byte-order mark dropped, as
 *    jose's fatal `TextDecoder` does),
 *    a JSON object; `crit` a non-empty array of non-empty strings naming only `b64` (RFC 7515
 *    §4.1.11, RFC 7797 §6), present in the header; `b64` a boolean when critical; `alg` a
 *    non-empty string from the allowlist (RFC 8725 §3.1);
 * 2. the key, from the same resolver jose is given (so the same JWKS selection, fetches and
 *    errors), then whether that key may verify `alg`: jose's checks of a `CryptoKey`'s type,
 *    algorithm name, hash, curve, usages and RSA modulus (at least 2048 bits), or a non-empty
 *    secret for HS*; a key of any other shape is handed to jose with the token;
 * 3. the payload encoding: `b64: false` is refused (jose's `jwtVerify` refuses unencoded payloads);
 * 4. the signature: RSASSA-PKCS1-v1_5, RSASSA-PSS with the salt as long as the hash (RFC 7518
 *    §3.5), ECDSA in the IEEE P1363 form JWS uses (RFC 7518 §3.4), Ed25519 (RFC 8037 §3.1), HMAC
 *    compared in constant time;
 * 5. the claims set: a JSON object in well-formed UTF-8; then jose's rules for the options the verifier passes:
 *    `iss` present and one of the accepted, `exp` present, `iat` a number, `nbf` a number not in
 *    the future, `exp` a number not in the past, both with the clock tolerance (RFC 7519 §4.1).
 *
 * The segments reach this module already checked to be canonical base64url (`jwt-verifier.ts`),
 * which is what lets `Buffer`'s lenient decoder stand in for jose's strict one.
 *
 * @module
 */

import type * as NodeBuffer from 'node:buffer';
import type * as NodeCrypto from 'node:crypto';
import { type JWTHeaderParameters, type JWTPayload, jwtVerify } from 'jose';
import { COULD_NOT_VALIDATE, invalidToken } from '../errors/auth-failures.js';
import {
  type CheckedJws,
  claimFailure,
  classifyJoseError,
  type JwsCheckOptions,
  type JwsEngine,
  joseVerifyOptions,
  MAX_CANDIDATE_KEYS,
} from './jws-engine.js';
import type { WaitUntil } from './static-jwt-keys.js';

/** The parts of `node:crypto` and `node:buffer` the engine calls. */
export interface NodeCryptoModules {
  crypto: Pick<
    typeof NodeCrypto,
    'verify' | 'createHmac' | 'createSecretKey' | 'timingSafeEqual' | 'KeyObject' | 'constants'
  >;
  Buffer: typeof NodeBuffer.Buffer;
  isUtf8: typeof NodeBuffer.isUtf8;
}

/**
 * `node:crypto` and `node:buffer` through `process.getBuiltinModule` (Node ≥ 20.16), never a
 * static import: the core also loads on runtimes without them (Workers), and a bundler must not
 * see them. `undefined` where they cannot be had.
 */
export function loadNodeCrypto(): NodeCryptoModules | undefined {
  const process_ = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof process_?.getBuiltinModule !== 'function') return undefined;
  try {
    const crypto = process_.getBuiltinModule('node:crypto') as NodeCryptoModules['crypto'] | undefined;
    const buffer = process_.getBuiltinModule('node:buffer') as Partial<Omit<NodeCryptoModules, 'crypto'>> | undefined;
    const usable =
      typeof crypto?.verify === 'function' &&
      typeof crypto.createHmac === 'function' &&
      typeof crypto.createSecretKey === 'function' &&
      typeof crypto.timingSafeEqual === 'function' &&
      typeof crypto.KeyObject?.from === 'function' &&
      typeof buffer?.Buffer?.from === 'function' &&
      typeof buffer.isUtf8 === 'function';
    return usable ? { crypto, Buffer: buffer!.Buffer!, isUtf8: buffer!.isUtf8! } : undefined;
  } catch {
    return undefined;
  }
}

type Family = 'hmac' | 'rsa' | 'pss' | 'ecdsa' | 'eddsa';

/** One JWS algorithm (RFC 7518 §3.1, RFC 8037 §3.1): how to verify it and which keys may. */
interface Algorithm {
  family: Family;
  /** The digest `node:crypto` is given (none for Ed25519). */
  digest: string | null;
  /** The WebCrypto hash a `CryptoKey` for it must name. */
  webHash?: string;
  curve?: string;
  saltLength?: number;
}

const ALGORITHMS: ReadonlyMap<string, Algorithm> = new Map<string, Algorithm>([
  ['HS256', { family: 'hmac', digest: 'sha256', webHash: 'SHA-256' }],
  ['HS384', { family: 'hmac', digest: 'sha384', webHash: 'SHA-384' }],
  ['HS512', { family: 'hmac', digest: 'sha512', webHash: 'SHA-512' }],
  ['RS256', { family: 'rsa', digest: 'sha256', webHash: 'SHA-256' }],
  ['RS384', { family: 'rsa', digest: 'sha384', webHash: 'SHA-384' }],
  ['RS512', { family: 'rsa', digest: 'sha512', webHash: 'SHA-512' }],
  ['PS256', { family: 'pss', digest: 'sha256', webHash: 'SHA-256', saltLength: 32 }],
  ['PS384', { family: 'pss', digest: 'sha384', webHash: 'SHA-384', saltLength: 48 }],
  ['PS512', { family: 'pss', digest: 'sha512', webHash: 'SHA-512', saltLength: 64 }],
  ['ES256', { family: 'ecdsa', digest: 'sha256', curve: 'P-256' }],
  ['ES384', { family: 'ecdsa', digest: 'sha384', curve: 'P-384' }],
  ['ES512', { family: 'ecdsa', digest: 'sha512', curve: 'P-521' }],
  // jose 6 verifies both names with Ed25519 only; Ed448 is refused by jose, and so here.
  ['EdDSA', { family: 'eddsa', digest: null }],
  ['Ed25519', { family: 'eddsa', digest: null }],
]);

/** What jose checks of a key, read once per key object. */
interface KeyFacts {
  /** The key as `node:crypto` takes it; undefined for an empty secret (WebCrypto refuses those). */
  keyObject: NodeCrypto.KeyObject | undefined;
  /** A raw secret (Uint8Array) rather than a CryptoKey. */
  raw: boolean;
  type: string;
  name: string | undefined;
  hash: string | undefined;
  curve: string | undefined;
  modulusLength: unknown;
  verifies: boolean;
}

/** A protected header that passed every header check, with what the later steps read of it. */
interface CheckedHeader {
  header: JWTHeaderParameters;
  algorithm: Algorithm | undefined;
  b64: boolean;
}

/** Distinct protected headers whose checks are remembered per issuer: a provider's tokens use a handful. */
const MAX_REMEMBERED_HEADERS = 64;

const INVALID = Symbol('invalid');

/** jose's `isObject` for what `JSON.parse` returns: a plain object, never an array or null. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(reason: string): unknown {
  return invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE, new Error(reason));
}

/**
 * The engine over the given modules (from {@link loadNodeCrypto}).
 *
 * @example
 * ```ts
 * const modules = loadNodeCrypto();
 * const check = modules ? nodeCryptoEngine(modules)(options) : joseEngine(options);
 * ```
 */
export function nodeCryptoEngine(modules: NodeCryptoModules): JwsEngine {
  const { crypto, Buffer, isUtf8 } = modules;
  const PSS_PADDING = crypto.constants.RSA_PKCS1_PSS_PADDING;
  /** Per key object, for as long as the key lives: imported into `node:crypto` once. */
  const facts = new WeakMap<object, KeyFacts>();

  function factsOf(key: unknown): KeyFacts | undefined {
    if (typeof key !== 'object' || key === null) return undefined;
    const known = facts.get(key);
    if (known !== undefined) return known;
    let found: KeyFacts | undefined;
    if (key instanceof Uint8Array) {
      found = {
        keyObject: key.byteLength === 0 ? undefined : crypto.createSecretKey(key),
        raw: true,
        type: 'secret',
        name: undefined,
        hash: undefined,
        curve: undefined,
        modulusLength: undefined,
        verifies: true,
      };
    } else if ((key as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'CryptoKey') {
      const cryptoKey = key as CryptoKey;
      const algorithm = cryptoKey.algorithm as {
        name?: string;
        hash?: { name?: string };
        namedCurve?: string;
        modulusLength?: unknown;
      };
      found = {
        keyObject: crypto.KeyObject.from(cryptoKey),
        raw: false,
        type: cryptoKey.type,
        name: algorithm.name,
        hash: algorithm.hash?.name,
        curve: algorithm.namedCurve,
        modulusLength: algorithm.modulusLength,
        verifies: cryptoKey.usages.includes('verify'),
      };
    }
    if (found !== undefined) facts.set(key, found);
    return found;
  }

  /** jose's `prepareKey` and `checkCryptoKey` for verification with `algorithm`. */
  function fits(key: KeyFacts, algorithm: Algorithm): boolean {
    if (key.keyObject === undefined) return false;
    if (algorithm.family === 'hmac') {
      return (
        key.raw || (key.type === 'secret' && key.name === 'HMAC' && key.hash === algorithm.webHash && key.verifies)
      );
    }
    if (key.raw || key.type !== 'public' || !key.verifies) return false;
    switch (algorithm.family) {
      case 'rsa':
      case 'pss':
        return (
          key.name === (algorithm.family === 'rsa' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS') &&
          key.hash === algorithm.webHash &&
          typeof key.modulusLength === 'number' &&
          key.modulusLength >= 2048
        );
      case 'ecdsa':
        return key.name === 'ECDSA' && key.curve === algorithm.curve;
      default:
        return key.name === 'Ed25519';
    }
  }

  /** OpenSSL's answer; a call that throws is a failed verification, as jose treats WebCrypto's. */
  function signatureMatches(
    algorithm: Algorithm,
    key: NodeCrypto.KeyObject,
    data: string,
    signature: Uint8Array,
  ): boolean {
    try {
      switch (algorithm.family) {
        case 'hmac': {
          const mac = crypto.createHmac(algorithm.digest!, key).update(data, 'latin1').digest();
          return mac.byteLength === signature.byteLength && crypto.timingSafeEqual(mac, signature);
        }
        case 'rsa':
          return crypto.verify(algorithm.digest, Buffer.from(data, 'latin1'), key, signature);
        case 'pss':
          return crypto.verify(
            algorithm.digest,
            Buffer.from(data, 'latin1'),
            { key, padding: PSS_PADDING, saltLength: algorithm.saltLength! },
            signature,
          );
        case 'ecdsa':
          return crypto.verify(
            algorithm.digest,
            Buffer.from(data, 'latin1'),
            { key, dsaEncoding: 'ieee-p1363' },
            signature,
          );
        default:
          return crypto.verify(null, Buffer.from(data, 'latin1'), key, signature);
      }
    } catch {
      return false;
    }
  }

  /**
   * The UTF-8 JSON of a base64url segment, or {@link INVALID}. jose decodes with a fatal
   * `TextDecoder`: ill-formed UTF-8 is refused and one leading byte-order mark is dropped. The same
   * rule here, with `isUtf8` (simdutf) doing the validation at a fraction of the decoder's cost.
   */
  function decodeJson(segment: string): unknown {
    const bytes = Buffer.from(segment, 'base64url');
    if (!isUtf8(bytes)) return INVALID;
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      return JSON.parse(text);
    } catch {
      return INVALID;
    }
  }

  return (options: JwsCheckOptions) => {
    const { resolveKey, knownKey, clockTolerance } = options;
    const allowed = new Set(options.algorithms);
    const issuers: readonly unknown[] | undefined =
      options.issuer === undefined
        ? undefined
        : typeof options.issuer === 'string'
          ? [options.issuer]
          : [...options.issuer];
    const verifyOptions = joseVerifyOptions(options);
    /** Encoded protected header → its checked form; the checks depend on nothing but the bytes. */
    const headers = new Map<string, CheckedHeader>();

    function checkHeader(encoded: string): CheckedHeader {
      const remembered = headers.get(encoded);
      if (remembered !== undefined) return remembered;
      const header = decodeJson(encoded);
      if (!isJsonObject(header)) throw invalid('the protected header is not a JSON object');
      const crit = header.crit;
      let b64 = true;
      if (crit !== undefined) {
        if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => typeof name !== 'string' || name === '')) {
          throw invalid('"crit" is not an array of non-empty strings');
        }
        for (const name of crit) {
          // RFC 7515 §4.1.11: an extension this implementation does not understand is refused.
          if (name !== 'b64') throw invalid('"crit" names an extension that is not understood');
          if (!Object.hasOwn(header, name)) throw invalid('"crit" names a parameter that is absent');
        }
        if (crit.includes('b64')) {
          if (typeof header.b64 !== 'boolean') throw invalid('"b64" is not a boolean');
          b64 = header.b64;
        }
      }
      const alg = header.alg;
      if (typeof alg !== 'string' || alg === '') throw invalid('"alg" is missing');
      if (!allowed.has(alg)) throw invalid('"alg" is not allowed');
      const checked: CheckedHeader = {
        header: Object.freeze(header) as JWTHeaderParameters,
        algorithm: ALGORITHMS.get(alg),
        b64,
      };
      if (headers.size >= MAX_REMEMBERED_HEADERS) headers.clear();
      headers.set(encoded, checked);
      return checked;
    }

    /**
     * Whether `key` verifies the token's signature: true, false (a signature that does not match),
     * or a thrown AuthError for a key that may not verify this algorithm (or a refused `b64`).
     */
    function keyVerifies(checked: CheckedHeader, key: KeyFacts, token: string, second: number): boolean {
      const { algorithm } = checked;
      if (algorithm === undefined || !fits(key, algorithm)) throw invalid('the key cannot verify this "alg"');
      if (!checked.b64) throw invalid('unencoded payloads are not accepted in JWTs');
      const signature = Buffer.from(token.slice(second + 1), 'base64url');
      return signatureMatches(algorithm, key.keyObject!, token.slice(0, second), signature);
    }

    /** jose's claim rules for `{ requiredClaims: ['exp'], issuer, clockTolerance }`, in its order. */
    function checkClaims(encodedPayload: string): JWTPayload {
      const claims = decodeJson(encodedPayload);
      if (!isJsonObject(claims)) throw invalid('the claims set is not a JSON object');
      if (issuers !== undefined && !Object.hasOwn(claims, 'iss')) throw claimFailure('iss');
      if (!Object.hasOwn(claims, 'exp')) throw claimFailure('exp');
      if (issuers !== undefined && !issuers.includes(claims.iss)) throw claimFailure('iss');
      const now = Math.floor(Date.now() / 1000);
      const { iat, nbf, exp } = claims;
      if (iat !== undefined && typeof iat !== 'number') throw claimFailure('iat');
      if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + clockTolerance)) throw claimFailure('nbf');
      if (typeof exp !== 'number') throw claimFailure('exp');
      if (exp <= now - clockTolerance) throw invalidToken('ERR_TOKEN_EXPIRED', 'Token has expired');
      return claims as JWTPayload;
    }

    /** A key of a shape this engine does not know: jose decides with it, exactly as it would have. */
    function withJose(token: string, key: unknown): Promise<CheckedJws> {
      return jwtVerify(token, key as Uint8Array, verifyOptions);
    }

    function finish(token: string, checked: CheckedHeader, first: number, second: number, key: unknown) {
      const known = factsOf(key);
      if (known === undefined)
        return withJose(token, key).catch((error: unknown) => Promise.reject(classifyJoseError(error)));
      if (!keyVerifies(checked, known, token, second)) throw invalid('signature verification failed');
      return { protectedHeader: checked.header, payload: checkClaims(token.slice(first + 1, second)) };
    }

    /** jose's answer when a key set holds several keys for a token: try up to five in turn. */
    async function tryCandidates(
      token: string,
      checked: CheckedHeader,
      first: number,
      second: number,
      error: unknown,
    ): Promise<CheckedJws> {
      let tried = 0;
      try {
        for await (const key of error as AsyncIterable<unknown>) {
          if (++tried > MAX_CANDIDATE_KEYS) break;
          const known = factsOf(key);
          if (known === undefined) {
            try {
              return await withJose(token, key);
            } catch (candidateError) {
              if ((candidateError as { code?: unknown }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
                throw candidateError;
              }
              continue;
            }
          }
          if (keyVerifies(checked, known, token, second)) {
            return { protectedHeader: checked.header, payload: checkClaims(token.slice(first + 1, second)) };
          }
        }
      } catch (candidateError) {
        throw classifyJoseError(candidateError);
      }
      throw classifyJoseError(error);
    }

    function afterKeyFailure(token: string, checked: CheckedHeader, first: number, second: number, error: unknown) {
      if ((error as { code?: unknown } | null)?.code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
        return tryCandidates(token, checked, first, second, error);
      }
      throw classifyJoseError(error);
    }

    return function checkWithNodeCrypto(token: string, waitUntil?: WaitUntil): CheckedJws | Promise<CheckedJws> {
      const first = token.indexOf('.');
      const second = first === -1 ? -1 : token.indexOf('.', first + 1);
      if (second === -1 || token.indexOf('.', second + 1) !== -1) throw invalid('not a compact JWS');
      const encodedHeader = token.slice(0, first);
      const checked = checkHeader(encodedHeader);
      let key: unknown;
      try {
        key = knownKey?.(encodedHeader, waitUntil);
        if (key === undefined) {
          key = resolveKey(
            checked.header,
            { protected: encodedHeader, payload: token.slice(first + 1, second), signature: token.slice(second + 1) },
            waitUntil,
          );
        }
      } catch (error) {
        return afterKeyFailure(token, checked, first, second, error);
      }
      if (typeof (key as PromiseLike<unknown> | null)?.then === 'function') {
        return (key as Promise<unknown>).then(
          (resolved) => finish(token, checked, first, second, resolved),
          (error: unknown) => afterKeyFailure(token, checked, first, second, error),
        );
      }
      return finish(token, checked, first, second, key);
    };
  };
}
