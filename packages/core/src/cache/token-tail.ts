/**
 * The key the token maps index by: the token's tail. V8 hashes every character of a string used as
 * a Map key, and each request brings a new string, so keying a Map by a 600-character RS256 token
 * costs a pass over all of it per distinct token (docs/performance.md). The end of a JWT is its signature,
 * high-entropy bits no two tokens share in practice; a map indexed this way still decides
 * equality on the whole token.
 *
 * @module
 */

/** Characters of the tail: 258 bits of a base64url signature. */
const TAIL_LENGTH = 43;

/** The last {@link TAIL_LENGTH} characters of `token`, or the whole token when it is short enough to hash cheaply. */
export function tailOf(token: string): string {
  return token.length <= 2 * TAIL_LENGTH ? token : token.slice(-TAIL_LENGTH);
}
