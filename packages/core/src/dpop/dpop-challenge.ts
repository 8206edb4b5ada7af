/**
 * The `WWW-Authenticate` value of a resource that accepts DPoP (RFC 9449 §7.1): a `DPoP`
 * challenge with `algs` beside the `Bearer` one, both naming the protected-resource metadata
 * (RFC 9728 §5.1) and the scopes. `Bearer` always comes first, so a client that reads only the
 * first challenge still finds a scheme it knows and the metadata URL; the error goes in the
 * challenge of the scheme the client used, and only there, so a client that searches the whole
 * field for the first `error=` finds that one.
 *
 * @module
 */

import { buildWwwAuthenticate, quoted, type WwwAuthenticateParams } from '../challenge/www-authenticate.js';

/** How DPoP is offered, and how the request being answered presented its token. */
export interface DpopChallengeOptions {
  /** The `algs` of the DPoP challenge: the algorithms proofs may use. */
  algorithms: readonly string[];
  /** DPoP-bound tokens are required: only the DPoP challenge is offered. */
  required: boolean;
  /** The request used the DPoP scheme: its challenge carries the error. */
  presented: boolean;
}

/** One `DPoP` challenge: `algs`, `resource_metadata`, `scope`, then the error if any. */
function dpopChallenge(params: WwwAuthenticateParams, algorithms: readonly string[]): string {
  // Built by the Bearer builder so both schemes escape and order their parameters alike.
  const bearer = buildWwwAuthenticate(params);
  return `DPoP algs=${quoted(algorithms.join(' '))}, ${bearer.slice('Bearer '.length)}`;
}

/**
 * The challenges of a resource accepting DPoP.
 *
 * @example
 * ```ts
 * buildDpopChallenges(
 *   { resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp' },
 *   { algorithms: ['ES256', 'EdDSA'], required: false, presented: false },
 * );
 * // 'Bearer resource_metadata="…", DPoP algs="ES256 EdDSA", resource_metadata="…"'
 * ```
 */
export function buildDpopChallenges(params: WwwAuthenticateParams, options: DpopChallengeOptions): string {
  if (options.required) return dpopChallenge(params, options.algorithms);
  const offer: WwwAuthenticateParams = { resourceMetadata: params.resourceMetadata, scope: params.scope };
  if (options.presented) return `${buildWwwAuthenticate(offer)}, ${dpopChallenge(params, options.algorithms)}`;
  return `${buildWwwAuthenticate(params)}, ${dpopChallenge(offer, options.algorithms)}`;
}
