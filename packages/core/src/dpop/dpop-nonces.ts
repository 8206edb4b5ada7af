/**
 * Server-issued DPoP nonces (RFC 9449 §8, §9): when they are on, a proof must carry a nonce this
 * resource issued recently, which bounds how long a proof made in advance (with a stolen signing
 * oracle, or a clock set ahead) stays usable.
 *
 * Each instance hands out one nonce at a time and replaces it when half its lifetime has passed,
 * so a client keeps using one nonce for many requests and the store receives one write per
 * instance and period, whatever the traffic. Every issued nonce goes into the {@link SharedStore}
 * (`dpop-nonce:<nonce>`), so an instance accepts nonces its neighbours issued.
 *
 * @module
 */

import { base64url } from 'jose';
import type { SharedStore } from '../store/shared-store.js';

/** Issues and checks the nonces of one resource. */
export interface DpopNonces {
  /** The nonce to send in `DPoP-Nonce` now (RFC 9449 §9). */
  current(): Promise<string>;
  /** Whether `nonce` was issued by this resource (any instance) and has not expired. */
  isValid(nonce: string): Promise<boolean>;
}

/** A nonce is 128 random bits in base64url: 22 characters. */
const NONCE_SHAPE = /^[A-Za-z0-9_-]{22}$/;

function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return base64url.encode(bytes);
}

/**
 * Builds the nonces of one resource.
 *
 * @param lifetimeMs - how long a nonce is accepted after it was issued.
 * @example
 * ```ts
 * const nonces = createDpopNonces(store, 300_000);
 * if (proof.nonce === undefined || !(await nonces.isValid(proof.nonce))) {
 *   headers['DPoP-Nonce'] = await nonces.current();
 * }
 * ```
 */
export function createDpopNonces(store: SharedStore, lifetimeMs: number, now: () => number = Date.now): DpopNonces {
  let latest: { nonce: string; issuedAt: number } | undefined;
  let issuing: Promise<string> | undefined;

  async function issue(): Promise<string> {
    const nonce = newNonce();
    const issuedAt = now();
    await store.set(`dpop-nonce:${nonce}`, '1', lifetimeMs);
    latest = { nonce, issuedAt };
    return nonce;
  }

  return {
    current() {
      if (latest !== undefined && now() - latest.issuedAt < lifetimeMs / 2) return Promise.resolve(latest.nonce);
      issuing ??= issue().finally(() => {
        issuing = undefined;
      });
      return issuing;
    },
    async isValid(nonce) {
      if (!NONCE_SHAPE.test(nonce)) return false;
      // This instance's own nonce needs no round trip to a shared store.
      if (latest !== undefined && nonce === latest.nonce && now() - latest.issuedAt < lifetimeMs) return true;
      return (await store.get(`dpop-nonce:${nonce}`)) !== undefined;
    },
  };
}
