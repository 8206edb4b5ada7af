/**
 * The JWS check a JWT verifier delegates to an engine: the compact serialization, the protected
 * header (a JSON object, `crit`, `b64`), the algorithm allowlist (RFC 8725 §3.1), the key, the
 * signature, and the claim rules jose applies inside `jwtVerify` (`exp` required, `iss`, `nbf`,
 * `exp` with the clock tolerance; RFC 7519 §4.1). Two engines decide it: jose's `jwtVerify`, the
 * reference, which runs everywhere; and `node:crypto`, chosen at start-up where Node.js runs
 * (docs/performance.md, "The verification engine"), held to decide exactly like jose by the
 * differential tests of docs/security.md. The claim rules jose does not apply (audience, `typ`,
 * time-claim shapes, `iat` in the future) stay in `jwt-verifier.ts`, shared by both.
 *
 * @module
 */

import { type JWTHeaderParameters, type JWTPayload, type JWTVerifyOptions, jwtVerify } from 'jose';
import { isAuthError } from '../errors/auth-error.js';
import { type AuthErrorCode, COULD_NOT_VALIDATE, invalidToken } from '../errors/auth-failures.js';
import type { JwtKeyResolver, WaitUntil } from './static-jwt-keys.js';

/** What an engine checks a token against: one issuer's allowlist, keys and claim rules. */
export interface JwsCheckOptions {
  algorithms: readonly string[];
  /** The exact `iss`, or every spelling one issuer uses; undefined: `iss` is not checked. */
  issuer?: string | readonly string[];
  clockTolerance: number;
  resolveKey: JwtKeyResolver;
  /** The key `resolveKey` already chose for an encoded protected header, if known. */
  knownKey?: (encodedHeader: string, waitUntil?: WaitUntil) => CryptoKey | Uint8Array | undefined;
}

/** A token whose signature, header and jose-level claims passed. */
export interface CheckedJws {
  protectedHeader: JWTHeaderParameters;
  payload: JWTPayload;
}

/**
 * Checks one token: the result, synchronously when nothing had to be awaited, or a promise.
 * Throws (or rejects with) {@link AuthError}s only: 401 `invalid_token` for anything wrong with the
 * token, or the key resolver's own AuthError (503 when keys are unavailable). `waitUntil` is the
 * request's hook for a key fetch that may outlive it (`AuthRequest.waitUntil`), passed to the
 * key resolver.
 */
export type JwsCheck = (token: string, waitUntil?: WaitUntil) => CheckedJws | Promise<CheckedJws>;

/** Builds the check of one issuer. */
export type JwsEngine = (options: JwsCheckOptions) => JwsCheck;

/** How many candidate keys to try when a JWKS has several keys matching a token without `kid`. */
export const MAX_CANDIDATE_KEYS = 5;

/** The options jose's `jwtVerify` gets for the jose-level claim rules. */
export function joseVerifyOptions(options: Pick<JwsCheckOptions, 'algorithms' | 'issuer' | 'clockTolerance'>) {
  const { issuer } = options;
  return {
    algorithms: [...options.algorithms],
    clockTolerance: options.clockTolerance,
    requiredClaims: ['exp'],
    ...(issuer === undefined ? {} : { issuer: typeof issuer === 'string' ? issuer : [...issuer] }),
  } satisfies JWTVerifyOptions;
}

/**
 * The reference engine: jose's `jwtVerify` (WebCrypto). Runs on every runtime.
 *
 * @example
 * ```ts
 * const check = joseEngine({ algorithms: ['RS256'], clockTolerance: 5, resolveKey });
 * const { payload } = await check(token);
 * ```
 */
export const joseEngine: JwsEngine = (options) => {
  const { resolveKey, knownKey } = options;
  const verifyOptions = joseVerifyOptions(options);

  /** The failure path of jwtVerify: several candidate keys to try, or a classified AuthError. */
  async function afterFailure(token: string, error: unknown): Promise<CheckedJws> {
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

  return async function checkWithJose(token: string, waitUntil?: WaitUntil): Promise<CheckedJws> {
    try {
      const dot = token.indexOf('.');
      const key = knownKey !== undefined && dot > 0 ? knownKey(token.slice(0, dot), waitUntil) : undefined;
      // A closure only when the key is not known yet and the request has a waitUntil to pass on.
      const resolver: JwtKeyResolver | CryptoKey | Uint8Array =
        key ?? (waitUntil === undefined ? resolveKey : (header, flattened) => resolveKey(header, flattened, waitUntil));
      return await jwtVerify(token, resolver, verifyOptions);
    } catch (error) {
      return afterFailure(token, error);
    }
  };
};

const CLAIM_FAILURES: Record<string, [AuthErrorCode, string]> = {
  iss: ['ERR_ISSUER_MISMATCH', 'Invalid token issuer'],
  nbf: ['ERR_TOKEN_NOT_YET_VALID', 'Token is not yet valid'],
};

/** The AuthError of a jose-level claim failure on `claim` (jose's `JWTClaimValidationFailed`). */
export function claimFailure(claim: string, cause?: unknown): unknown {
  const [failure, description] = CLAIM_FAILURES[claim] ?? ['ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE];
  return invalidToken(failure, description, cause);
}

/** Maps jose's failures to client-safe AuthErrors; jose's own message stays in `cause`. */
export function classifyJoseError(error: unknown): unknown {
  if (isAuthError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWT_EXPIRED') return invalidToken('ERR_TOKEN_EXPIRED', 'Token has expired', error);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
    return claimFailure(String((error as { claim?: unknown }).claim), error);
  return invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE, error);
}
