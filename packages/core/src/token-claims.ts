/**
 * Reading identity out of verified claims: scopes and client id from the claim variants providers
 * use (R15), and the audience comparison of R10.
 *
 * @module
 */

/**
 * Scopes from `scope` (space-separated string, RFC 9068 §2.2.3), `scp` (string or array: Azure AD,
 * Okta) and `permissions` (array: Auth0 RBAC). Every variant present contributes; duplicates are
 * dropped.
 */
export function scopesFromClaims(claims: Record<string, unknown>): string[] {
  const scopes = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const scope of value.split(' ')) if (scope !== '') scopes.add(scope);
    } else if (Array.isArray(value)) {
      for (const scope of value) if (typeof scope === 'string' && scope !== '') scopes.add(scope);
    }
  };
  add(claims.scope);
  add(claims.scp);
  if (Array.isArray(claims.permissions)) add(claims.permissions);
  return [...scopes];
}

/** The client id: `client_id` (RFC 9068 §2.2), then `azp` (OIDC), then `sub`; empty when none is a string. */
export function clientIdFromClaims(claims: Record<string, unknown>): string {
  for (const name of ['client_id', 'azp', 'sub']) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

/** R10: audiences compare equal ignoring a fragment and one trailing slash. */
export function normalizeAudience(audience: string): string {
  const hash = audience.indexOf('#');
  const withoutFragment = hash === -1 ? audience : audience.slice(0, hash);
  return withoutFragment.endsWith('/') ? withoutFragment.slice(0, -1) : withoutFragment;
}

/** Whether the token's `aud` (string or array) names one of the expected, normalized audiences. */
export function audienceMatches(aud: unknown, expected: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return expected.has(normalizeAudience(aud));
  if (Array.isArray(aud)) {
    for (const value of aud) if (typeof value === 'string' && expected.has(normalizeAudience(value))) return true;
  }
  return false;
}
