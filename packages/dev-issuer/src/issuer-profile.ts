/**
 * What an authorization server built on the shared oidc-provider core (issuer-core.ts) decides
 * for itself: who its accounts are, which claims its access tokens carry, where its pages live.
 *
 * @module
 */
import type { Account, ClientMetadata, Configuration } from 'oidc-provider';

/** What an authorization server built on the core decides for itself. */
export interface IssuerProfile {
  /** Shown in error pages. Default `Development issuer`. */
  name?: string;
  /** Where oidc-provider sends the browser for sign-in and consent: `<prefix><uid>`. Default `/interaction/`. */
  interactionPrefix?: string;
  /** oidc-provider's `routes` (endpoint paths). Default: oidc-provider's own. */
  routes?: Configuration['routes'];
  /** Looks an account up by its `sub`. Default: the development user only. */
  findAccount?: (sub: string) => Promise<Account | undefined>;
  /** Claims added to access tokens issued for a signed-in account (RFC 9068 §2.2 allows more). */
  extraAccessTokenClaims?: (accountId: string) => Promise<Record<string, unknown> | undefined>;
  /** Clients registered at start. Default: the development client and the configured ones. */
  clients?: ClientMetadata[];
  /** Offer the client credentials grant. Default `true`. */
  clientCredentials?: boolean;
}
