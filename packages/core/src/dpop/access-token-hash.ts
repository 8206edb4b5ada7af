/**
 * SHA-256 digests in base64url (RFC 4648 §5): the `ath` of a DPoP proof (RFC 9449 §4.2) and the
 * keys under which proofs are remembered.
 *
 * @module
 */

import { base64url } from 'jose';

/** The part of `node:crypto` used here: a one-shot synchronous hash. */
interface NodeHashing {
  createHash(algorithm: 'sha256'): { update(data: string, encoding: 'utf8'): { digest(): Uint8Array } };
}

/**
 * Node's own SHA-256 where the runtime has it (`process.getBuiltinModule`): synchronous and about a
 * microsecond, where WebCrypto's `digest` is a thread-pool round trip (docs/performance.md).
 * Reached through `getBuiltinModule` rather than an import so the core stays loadable where
 * `node:crypto` is not; other runtimes use WebCrypto.
 */
const nodeHashing = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeHashing | undefined;

const encoder = new TextEncoder();

/**
 * base64url(SHA-256(`text`)) without padding, the form of `ath` (RFC 9449 §4.2: the hash of the
 * ASCII access token).
 *
 * @example
 * ```ts
 * await sha256Base64url('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU'); // 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo'
 * ```
 */
export function sha256Base64url(text: string): string | Promise<string> {
  if (nodeHashing !== undefined) {
    return base64url.encode(nodeHashing.createHash('sha256').update(text, 'utf8').digest());
  }
  return crypto.subtle
    .digest('SHA-256', encoder.encode(text))
    .then((digest) => base64url.encode(new Uint8Array(digest)));
}

/** The `ath` a proof presented with `accessToken` must carry (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string | Promise<string> {
  return sha256Base64url(accessToken);
}
