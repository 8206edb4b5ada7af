/**
 * JWT access-token verification (RFC 8707 §2, RFC 8725 §3.1; RFC 7519 §4.1.4; RFC 9068 §2.1; RFC 9068 §2.2) with jose: signature with an algorithm allowlist
 * from configuration (never from the token), `exp` required, `nbf`/`iat` honoured with one clock
 * tolerance, issuer exact, audience per RFC 8707 §2, `typ` per RFC 9068, then the SDK-shaped AuthInfo.
 * Everything that can be prepared is prepared once in {@link createJwtVerifier}.
 *
 * @module
 */

import { type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult, jwtVerify } from 'jose';
import { createAuthInfo } from '../authenticate/auth-info.js';
import type { AuthInfo } from '../authenticate/authenticator-types.js';
import { timeClaimsProblem } from '../authenticate/time-claims.js';
import {
  audienceMatches,
  type ClaimMapping,
  clientIdFromClaims,
  DEFAULT_CLAIM_MAPPING,
  normalizeAudience,
  scopesFromClaims,
} from '../authenticate/token-claims.js';
import { dpopConfirmation } from '../dpop/dpop-confirmation.js';
import { isAuthError } from '../errors/auth-error.js';
import { type AuthErrorCode, COULD_NOT_VALIDATE, invalidToken } from '../errors/auth-failures.js';
import type { JwtKeyResolver, WaitUntil } from './static-jwt-keys.js';

/** What {@link createJwtVerifier} needs. */
export interface JwtVerifierOptions {
  algorithms: readonly string[];
  /** The exact `iss`, or every spelling one issuer uses (a provider preset's aliases). */
  issuer?: string | readonly string[];
  audiences: readonly string[];
  clockTolerance: number;
  requireAtJwtType: boolean;
  resourceUrl: string;
  resolveKey: JwtKeyResolver;
  /**
   * The key `resolveKey` already chose for an encoded protected header, if known: handed to jose
   * directly, which spares it the resolver call (docs/performance.md).
   */
  knownKey?: (encodedHeader: string, waitUntil?: WaitUntil) => CryptoKey | Uint8Array | undefined;
  /** Where scopes and the client id are read from (default: RFC 9068 §2.2's claims). */
  claims?: ClaimMapping;
}

/** A verified token: the AuthInfo plus the time claims the cache re-checks on a hit. */
export interface VerifiedJwt {
  authInfo: AuthInfo;
  exp: number;
  nbf: number | undefined;
}

/** RFC 9068 §4: `at+jwt`; RFC 7519 §5.1: `JWT`; both with or without `application/`. */
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt']);
/** How many candidate keys to try when a JWKS has several keys matching a token without `kid`. */
const MAX_CANDIDATE_KEYS = 5;

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * RFC 7515 §2 / RFC 4648 §3.5: the last character of an unpadded base64url segment may carry
 * unused bits, which decoders ignore. A token whose segments set them is a second spelling of a
 * signed token; refusing it keeps tokens non-malleable (one token, one string), which matters for a
 * cache keyed by the token string and for replay detection downstream.
 */
function isCanonicalBase64url(token: string, start: number, end: number): boolean {
  const remainder = (end - start) % 4;
  if (remainder === 0) return true;
  if (remainder === 1) return false;
  const value = BASE64URL_ALPHABET.indexOf(token.charAt(end - 1));
  const unusedBits = remainder === 2 ? 4 : 2;
  return value >= 0 && (value & ((1 << unusedBits) - 1)) === 0;
}

/** Checks the segment ends in place: splitting a 600-character token would copy it (docs/performance.md). */
function isCanonicalCompactJws(token: string): boolean {
  let start = 0;
  for (;;) {
    const dot = token.indexOf('.', start);
    const end = dot === -1 ? token.length : dot;
    if (!isCanonicalBase64url(token, start, end)) return false;
    if (dot === -1) return true;
    start = dot + 1;
  }
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Verifies one token; `waitUntil` is the request's hook for a key fetch that may outlive it
 * (`AuthRequest.waitUntil`).
 */
export type VerifyJwt = (token: string, waitUntil?: WaitUntil) => Promise<VerifiedJwt>;

/**
 * Builds the verify function. Throws {@link AuthError}s only: 401 `invalid_token` for anything
 * wrong with the token, or the resolver's own AuthError (503 when keys are unavailable).
 */
export function createJwtVerifier(options: JwtVerifierOptions): VerifyJwt {
  const expected = new Set(options.audiences.map(normalizeAudience));
  const { issuer, clockTolerance, requireAtJwtType, resourceUrl, resolveKey, knownKey } = options;
  const claimMapping = options.claims ?? DEFAULT_CLAIM_MAPPING;
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [...options.algorithms],
    clockTolerance,
    requiredClaims: ['exp'],
    ...(issuer === undefined ? {} : { issuer: typeof issuer === 'string' ? issuer : [...issuer] }),
  };

  /** The failure path of jwtVerify: several candidate keys to try, or a classified AuthError. */
  async function afterFailure(token: string, error: unknown): Promise<JWTVerifyResult> {
    if ((error as { code?: unknown }).code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw classifyJoseError(error);
    // A JWKS with several keys fitting a token without `kid`: jose hands them over to try in turn.
    let tried = 0;
    try {
      for await (const key of error as AsyncIterable<Parameters<typeof jwtVerify>[1]>) {
        if (++tried > MAX_CANDIDATE_KEYS) break;
        try {
          return await jwtVerify(token, key as Uint8Array, verifyOptions);
        } catch (candidateError) {
          if ((candidateError as { code?: unknown }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
            throw candidateError;
          }
        }
      }
    } catch (candidateError) {
      throw classifyJoseError(candidateError);
    }
    throw classifyJoseError(error);
  }

  return async function verify(token: string, waitUntil?: WaitUntil): Promise<VerifiedJwt> {
    if (!isCanonicalCompactJws(token)) {
      throw invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE, new Error('non-canonical base64url'));
    }
    let result: JWTVerifyResult;
    try {
      const dot = token.indexOf('.');
      const key = knownKey !== undefined && dot > 0 ? knownKey(token.slice(0, dot), waitUntil) : undefined;
      // A closure only when the key is not known yet and the request has a waitUntil to pass on.
      const resolver: JwtKeyResolver | CryptoKey | Uint8Array =
        key ?? (waitUntil === undefined ? resolveKey : (header, flattened) => resolveKey(header, flattened, waitUntil));
      result = await jwtVerify(token, resolver, verifyOptions);
    } catch (error) {
      result = await afterFailure(token, error);
    }
    const { payload, protectedHeader } = result;
    // jose accepts any JSON number, and `1e400` parses as Infinity: a token that never expires.
    const timeProblem = timeClaimsProblem(payload);
    if (timeProblem !== undefined) throw timeProblem;
    // RFC 8707 §2: tokens minted for another resource are refused, after the signature check so unsigned
    // input learns nothing.
    if (!audienceMatches(payload.aud, expected)) {
      throw invalidToken('ERR_AUDIENCE_MISMATCH', 'Invalid token audience');
    }
    if (protectedHeader.typ !== undefined) {
      const typ = normalizeTyp(protectedHeader.typ);
      if (!ACCEPTED_TYP.has(typ) || (requireAtJwtType && typ !== 'at+jwt')) {
        throw invalidToken('ERR_TOKEN_TYPE_INVALID', 'Invalid token type');
      }
    } else if (requireAtJwtType) {
      throw invalidToken('ERR_TOKEN_TYPE_INVALID', 'Invalid token type');
    }
    // RFC 7519 §4.1.4: an `iat` in the future (beyond the tolerance) is as suspicious as an `nbf` there.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + clockTolerance) {
      throw invalidToken('ERR_TOKEN_NOT_YET_VALID', 'Token is not yet valid');
    }
    return { authInfo: toAuthInfo(token, payload, resourceUrl, claimMapping), exp: payload.exp!, nbf: payload.nbf };
  };
}

function toAuthInfo(token: string, payload: JWTPayload, resourceUrl: string, mapping: ClaimMapping): AuthInfo {
  // jose parsed this payload for this call alone: freezing it in place saves a copy per token.
  const claims = Object.freeze(payload) as Record<string, unknown>;
  const extra: NonNullable<AuthInfo['extra']> = { method: 'jwt', claims };
  if (typeof payload.sub === 'string') extra.subject = payload.sub;
  if (typeof payload.iss === 'string') extra.issuer = payload.iss;
  // RFC 9449 §6.1: a token bound to a DPoP key is only accepted with a proof by that key.
  const cnf = dpopConfirmation(claims);
  if (cnf !== undefined) extra.cnf = cnf;
  return createAuthInfo(
    {
      token,
      clientId: clientIdFromClaims(claims, mapping.clientIdClaims),
      scopes: Object.freeze(scopesFromClaims(claims, mapping.scopeClaims)) as string[],
      expiresAt: payload.exp,
      extra: Object.freeze(extra),
    },
    resourceUrl,
  );
}

const CLAIM_FAILURES: Record<string, [AuthErrorCode, string]> = {
  iss: ['ERR_ISSUER_MISMATCH', 'Invalid token issuer'],
  nbf: ['ERR_TOKEN_NOT_YET_VALID', 'Token is not yet valid'],
};

/** Maps jose's failures to client-safe AuthErrors; jose's own message stays in `cause`. */
function classifyJoseError(error: unknown): unknown {
  if (isAuthError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWT_EXPIRED') return invalidToken('ERR_TOKEN_EXPIRED', 'Token has expired', error);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const claim = String((error as { claim?: unknown }).claim);
    const [failure, description] = CLAIM_FAILURES[claim] ?? ['ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE];
    return invalidToken(failure, description, error);
  }
  return invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE, error);
}
