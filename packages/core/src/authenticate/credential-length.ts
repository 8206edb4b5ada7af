/**
 * The longest credential core will look at. Real access tokens are a few hundred bytes to a few
 * KiB (RFC 9068 tokens with many scopes or groups stay well under 8 KiB, nginx's default header
 * line limit). Anything longer is refused before it is parsed, hashed, looked up in the cache,
 * verified or sent to an introspection endpoint, so an oversized token costs no signature check,
 * no memory in the verified-token cache and no upstream call (docs/security.md: "rejected without
 * verifying, bounded memory"). Node's HTTP parser separately refuses header sections over 16 KiB.
 *
 * @module
 */

/**
 * Credentials (a Bearer token or an `X-API-Key` value) longer than this many characters are
 * answered 401 `invalid_token` without further work.
 *
 * @example
 * ```ts
 * if (token.length > MAX_CREDENTIAL_LENGTH) console.warn('this token will be refused');
 * ```
 */
export const MAX_CREDENTIAL_LENGTH = 8192;
