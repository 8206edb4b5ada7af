/**
 * An endless supply of distinct invalid credentials, built per request from a few templates so a
 * million of them cost the load generator almost nothing. Four kinds, in turn, each one a path
 * through which a careless server could accumulate state:
 *
 * 1. a well-formed RS256 JWT for a known `kid` whose signature does not match (a unique `jti`);
 * 2. a JWT naming a `kid` nobody published (unique per request: the unknown-`kid` path);
 * 3. JWT-shaped garbage whose header is not JSON (handled as an opaque token);
 * 4. a random opaque token (the API-key path, no key matches).
 *
 * @module
 */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Returns a function giving the next `Bearer …` value. `validToken` supplies header, claims and a real signature. */
export function invalidTokenSource(validToken: string): () => string {
  const [headerPart, payloadPart, signature] = validToken.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Record<string, unknown>;
  let n = 0;
  return () => {
    n++;
    switch (n % 4) {
      case 0:
        return `Bearer ${headerPart}.${b64({ ...claims, jti: `invalid-${n}` })}.${signature}`;
      case 1:
        return `Bearer ${b64({ ...header, kid: `unknown-${n}` })}.${payloadPart}.${signature}`;
      case 2:
        return `Bearer ${Buffer.from(`not json ${n}`).toString('base64url')}.${payloadPart}.${signature}`;
      default:
        return `Bearer opaque-${n.toString(36)}-${signature.slice(0, 24)}`;
    }
  };
}
