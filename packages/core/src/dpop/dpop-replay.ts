/**
 * Replay protection for DPoP proofs (RFC 9449 §11.1): a proof's `jti` is remembered for as long as
 * its `iat` keeps it acceptable, in the {@link SharedStore} every instance of the server shares, so
 * a proof replayed to another instance behind the same load balancer is refused too.
 *
 * @module
 */

import type { SharedStore } from '../store/shared-store.js';
import { sha256Base64url } from './access-token-hash.js';

/**
 * Instances behind one load balancer may disagree on the time by a little: a proof is remembered
 * this much longer than the window strictly needs, so an instance whose clock runs behind still
 * finds it.
 */
const CLOCK_SKEW_MARGIN_SECONDS = 30;

/**
 * The store key of a proof: its `jti` is only unique for its key (RFC 9449 §11.1), so both go into
 * the digest; a digest keeps the key short and free of whatever the client put in `jti`.
 */
export async function proofKey(jkt: string, jti: string): Promise<string> {
  return `dpop-jti:${await sha256Base64url(`${jkt}.${jti}`)}`;
}

/**
 * Remembers a proof. Resolves `true` the first time, `false` for a replay. The proof is kept until
 * its `iat` leaves the window (RFC 9449 §4.3 step 11), plus a margin for clock skew between
 * instances: at most twice the window for a proof dated at the window's future edge.
 *
 * @example
 * ```ts
 * if (!(await rememberProof(store, proof, 300, Date.now()))) throw dpopProofReplayed();
 * ```
 */
export async function rememberProof(
  store: SharedStore,
  proof: { jkt: string; jti: string; iat: number },
  windowSeconds: number,
  nowMs: number,
): Promise<boolean> {
  const ttlMs = Math.ceil((proof.iat + windowSeconds + CLOCK_SKEW_MARGIN_SECONDS) * 1000 - nowMs);
  return store.setIfAbsent(await proofKey(proof.jkt, proof.jti), '1', Math.max(1000, ttlMs));
}
