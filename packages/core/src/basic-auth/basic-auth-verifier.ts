/**
 * HTTP Basic verification (RFC 7617; docs/security.md). Every configured user is reduced at
 * start-up to the SHA-256 digests of its user id and of its password (a `sha256:` entry already
 * is the latter). A presented pair is hashed once each and compared with every user's digests in
 * constant time, both halves always, without an early exit: an unknown user costs exactly what a
 * known user with a wrong password costs, so timing tells neither whether a user exists nor which.
 *
 * @module
 */

import { digestsEqual, hexToBytes, sha256 } from '../api-keys/api-key-verifier.js';
import type { BasicAuthUser } from './basic-auth-users.js';

/** Verifies presented Basic credentials against the configured users. */
export interface BasicAuthVerifier {
  /** The configured user id the pair matches, or `undefined` when none does. */
  match(user: string, password: string): Promise<string | undefined>;
  /** How many users are configured. */
  readonly size: number;
}

interface UserDigests {
  user: string;
  userDigest: Uint8Array;
  passwordDigest: Uint8Array;
}

/**
 * Builds the verifier from the resolved users (`config.basicAuthUsers`), whose user ids and
 * passwords are already in Unicode NFC.
 *
 * @example
 * ```ts
 * const users = await createBasicAuthVerifier([{ user: 'alice', password: 'correct-horse-battery-staple' }]);
 * await users.match('alice', 'correct-horse-battery-staple'); // 'alice'
 * await users.match('mallory', 'correct-horse-battery-staple'); // undefined
 * ```
 */
export async function createBasicAuthVerifier(users: readonly BasicAuthUser[]): Promise<BasicAuthVerifier> {
  const digests: UserDigests[] = await Promise.all(
    users.map(async ({ user, password, passwordSha256 }) => ({
      user,
      userDigest: await sha256(user),
      passwordDigest: passwordSha256 === undefined ? await sha256(password ?? '') : hexToBytes(passwordSha256),
    })),
  );
  return {
    size: digests.length,
    async match(user: string, password: string): Promise<string | undefined> {
      if (digests.length === 0) return undefined;
      const userDigest = await sha256(user);
      const passwordDigest = await sha256(password);
      let found = 0;
      for (let i = 0; i < digests.length; i++) {
        const entry = digests[i]!;
        // Both comparisons run every time (`&`, not `&&`), and the selection is branch-free.
        const equal =
          (digestsEqual(userDigest, entry.userDigest) ? 1 : 0) &
          (digestsEqual(passwordDigest, entry.passwordDigest) ? 1 : 0);
        found |= (i + 1) * equal * (found === 0 ? 1 : 0);
      }
      return found === 0 ? undefined : digests[found - 1]!.user;
    },
  };
}
