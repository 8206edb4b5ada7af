/**
 * DPoP at the resource server (RFC 9449 §7): what the authenticator runs for a request that
 * presents its token as `Authorization: DPoP <token>`. The proof is checked on every request,
 * whether or not the token itself is in the verified-token cache: a proof is single-use by design.
 *
 * Order: the proof alone ({@link createDpopProofVerifier}), then the token (by the authenticator),
 * then what joins them: the binding (`cnf.jkt` is the proof key's thumbprint), the server nonce
 * when nonces are on, and last the replay check, so only a proof that passed everything else
 * takes a place in the store.
 *
 * @module
 */

import type { AuthInfo, AuthRequest } from '../authenticate/authenticator-types.js';
import type { WwwAuthenticateParams } from '../challenge/www-authenticate.js';
import type { WardenConfig } from '../config/config-schema.js';
import { isLoopbackResource, resourceUrlForHost } from '../config/loopback-resource.js';
import { isAuthError } from '../errors/auth-error.js';
import type { Logger } from '../logging/logger.js';
import type { SharedStore } from '../store/shared-store.js';
import { buildDpopChallenges } from './dpop-challenge.js';
import {
  dpopKeyMismatch,
  dpopNonceRequired,
  dpopProofReplayed,
  dpopStoreUnavailable,
  dpopTokenNotBound,
} from './dpop-failures.js';
import { createDpopNonces, type DpopNonces } from './dpop-nonces.js';
import { createDpopProofVerifier, type VerifiedDpopProof } from './dpop-proof.js';
import { rememberProof } from './dpop-replay.js';

/** A failing store is reported once per window: incidents, not requests (as for introspection answers). */
const WARN_INTERVAL_MS = 30_000;

/** The DPoP checks of one authenticator. */
export interface DpopChecker {
  /** `MCP_DPOP_REQUIRED`: Bearer access tokens are refused. */
  readonly required: boolean;
  /** The proof of a request presenting `token` with the DPoP scheme (RFC 9449 §4.3). Throws `AuthError`. */
  verifyProof(request: AuthRequest, token: string): Promise<VerifiedDpopProof>;
  /** Once the token is verified: binding, nonce, replay (RFC 9449 §4.3 steps 9–12, §9). Throws `AuthError`. */
  confirm(proof: VerifiedDpopProof, authInfo: AuthInfo): Promise<void>;
  /** The `WWW-Authenticate` value for a rejection; `presented`: the request used the DPoP scheme. */
  challenge(params: WwwAuthenticateParams, presented: boolean): string;
}

/**
 * Builds the DPoP checks from the configuration and the store shared by every instance. With a
 * `logger`, a store that fails is reported at warn level once per incident (and its recovery at
 * info level), never per request: each request it fails is answered 503 (docs/scaling.md).
 *
 * @example
 * ```ts
 * const dpop = createDpopChecker(config, createMemoryStore());
 * const proof = await dpop.verifyProof(request, token);
 * await dpop.confirm(proof, await verifyToken(token));
 * ```
 */
export function createDpopChecker(config: WardenConfig, store: SharedStore, logger?: Logger): DpopChecker {
  const windowSeconds = config.dpopIatWindow;
  const algorithms = Object.freeze([...config.dpopAlgorithms]);
  const verifyProof = createDpopProofVerifier({ algorithms, iatWindowSeconds: windowSeconds });
  const nonces: DpopNonces | undefined = config.dpopNonces ? createDpopNonces(store, windowSeconds * 1000) : undefined;
  const resourceUrl = new URL(config.resourceUrl);
  const loopback = isLoopbackResource(config.resourceUrl);

  /**
   * The `htu` the proof must name: the configured resource's origin and the request's path
   * (RFC 9449 §4.3 step 9). The origin never comes from `Host` or `X-Forwarded-*` headers, which a
   * client chooses: only a loopback resource answers under the spelling the client used
   * (loopback-resource.ts). Without a path the caller meant the resource itself.
   */
  function expectedUrl(request: AuthRequest): string {
    const origin = loopback ? new URL(resourceUrlForHost(config.resourceUrl, request.host)).origin : resourceUrl.origin;
    const sent = request.path; // read once: adapters compute it on read
    const path = typeof sent === 'string' && sent.startsWith('/') ? sent : resourceUrl.pathname;
    return `${origin}${path}`;
  }

  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let failing = false;

  function storeFailed(error: unknown): void {
    failing = true;
    const now = Date.now();
    if (now - lastWarnAt < WARN_INTERVAL_MS) return;
    lastWarnAt = now;
    logger?.warn(
      { cause: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
      'shared store unavailable: DPoP requests are answered 503 until it is back (a proof is never accepted without the replay check)',
    );
  }

  /** Store failures fail closed (RFC 9449 §11.1): a 503, never a pass. */
  async function fromStore<T>(work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      if (isAuthError(error)) throw error;
      storeFailed(error);
      throw dpopStoreUnavailable(error);
    }
    if (failing) {
      failing = false;
      logger?.info({}, 'shared store available again: DPoP proofs are checked again');
    }
    return result;
  }

  return {
    required: config.dpopRequired,
    verifyProof(request, token) {
      return verifyProof(request.dpop, {
        method: request.method,
        url: expectedUrl(request),
        accessToken: token,
        nowSeconds: Date.now() / 1000,
      });
    },
    async confirm(proof, authInfo) {
      const bound = authInfo.extra?.cnf?.jkt;
      if (bound === undefined) throw dpopTokenNotBound();
      if (bound !== proof.jkt) throw dpopKeyMismatch();
      if (nonces !== undefined) {
        const nonce = proof.nonce;
        const valid = nonce !== undefined && (await fromStore(() => nonces.isValid(nonce)));
        if (!valid) throw dpopNonceRequired(await fromStore(() => nonces.current()));
      }
      const fresh = await fromStore(() => rememberProof(store, proof, windowSeconds, Date.now()));
      if (!fresh) throw dpopProofReplayed();
    },
    challenge(params, presented) {
      return buildDpopChallenges(params, { algorithms, required: config.dpopRequired, presented });
    },
  };
}
