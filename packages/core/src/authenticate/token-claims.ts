/**
 * Reading identity out of verified claims: scopes and client id from the claim variants providers
 * use (RFC 9068 §2.2), and the audience comparison of RFC 8707 §2.
 *
 * @module
 */

/**
 * Which claims carry the scopes and the client id. Providers disagree (RFC 9068 §2.2); a provider preset
 * narrows the lists to the claims that provider really emits.
 */
export interface ClaimMapping {
  /** Claims read as scopes: a space-separated string or an array of strings each. */
  readonly scopeClaims: readonly string[];
  /** Claims tried in order for the client id; the first non-empty string wins. */
  readonly clientIdClaims: readonly string[];
}

/**
 * The default mapping (RFC 9068 §2.2): scopes from `scope` (RFC 9068 §2.2.3), `scp` (Entra ID, Okta) and
 * `permissions` (Auth0 RBAC); the client id from `client_id` (RFC 9068 §2.2), then `azp` (OIDC),
 * then `sub`.
 */
export const DEFAULT_CLAIM_MAPPING: ClaimMapping = Object.freeze({
  scopeClaims: Object.freeze(['scope', 'scp', 'permissions']),
  clientIdClaims: Object.freeze(['client_id', 'azp', 'sub']),
});

/**
 * Scopes from the mapping's claims (default: `scope`, `scp`, `permissions`). Each claim may be a
 * space-separated string or an array of strings; every claim present contributes; duplicates are
 * dropped.
 */
export function scopesFromClaims(
  claims: Record<string, unknown>,
  names: readonly string[] = DEFAULT_CLAIM_MAPPING.scopeClaims,
): string[] {
  const scopes = new Set<string>();
  for (const name of names) {
    const value = claims[name];
    if (typeof value === 'string') {
      for (const scope of value.split(' ')) if (scope !== '') scopes.add(scope);
    } else if (Array.isArray(value)) {
      for (const scope of value) if (typeof scope === 'string' && scope !== '') scopes.add(scope);
    }
  }
  return [...scopes];
}

/** The client id: the first non-empty string among the mapping's claims (default `client_id`, `azp`, `sub`); empty when none. */
export function clientIdFromClaims(
  claims: Record<string, unknown>,
  names: readonly string[] = DEFAULT_CLAIM_MAPPING.clientIdClaims,
): string {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

/** RFC 8707 §2: audiences compare equal ignoring a fragment and one trailing slash. */
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
