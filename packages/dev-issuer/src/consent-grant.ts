/**
 * The user's approval of an authorization request, recorded as oidc-provider's Grant: every scope,
 * claim and resource scope its consent prompt reports missing. Shared by the development issuer's
 * login page and the consent page of servers built on its core.
 *
 * @module
 */
import type Provider from 'oidc-provider';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Saves the request's grant (its existing one, or a new one for `accountId` and `clientId`) with
 * everything the consent prompt asks for, and returns its id; `undefined` when the request's
 * existing grant is gone.
 */
export async function saveRequestedGrant(
  provider: Provider,
  details: InteractionDetails,
  accountId: string,
  clientId: string,
): Promise<string | undefined> {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId });
  if (!grant) return undefined;
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  return grant.save();
}
