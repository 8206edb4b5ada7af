/**
 * Provider presets (`MCP_PROVIDER`, or `provider` on a trusted issuer): the claim and issuer quirks
 * of the authorization servers people actually run, so that "Auth0" or "Entra ID" is one word of
 * configuration instead of a page of folklore.
 *
 * | preset     | issuer                                   | scopes from       | client id from        |
 * | ---------- | ---------------------------------------- | ----------------- | --------------------- |
 * | `auth0`    | `https://<tenant>.auth0.com/` (slash!)   | scope, permissions| azp, client_id, sub   |
 * | `entra`    | v2 `…/<tenant-id>/v2.0`, v1 accepted too | scp, roles        | azp (v2), appid (v1)  |
 * | `keycloak` | `https://<host>/realms/<realm>`          | scope             | azp, client_id, sub   |
 * | `google`   | `https://accounts.google.com` (+ bare)   | scope             | azp, sub              |
 *
 * A preset never loosens a check: audience, algorithms, signature and expiry are validated exactly
 * as without it. It only says where a provider puts things, normalizes the issuer string the
 * provider is known to use, and refuses configurations that can never match a real token.
 *
 * @module
 */

import { type ClaimMapping, DEFAULT_CLAIM_MAPPING } from '../authenticate/token-claims.js';

/** The provider presets `MCP_PROVIDER` accepts. */
export type ProviderName = 'auth0' | 'entra' | 'keycloak' | 'google';

/**
 * Every provider preset name, in documentation order.
 *
 * @example
 * ```ts
 * PROVIDER_NAMES.includes('keycloak'); // true
 * ```
 */
export const PROVIDER_NAMES: readonly ProviderName[] = Object.freeze(['auth0', 'entra', 'keycloak', 'google']);

/** The issuer strings a configured issuer stands for under a preset. */
export interface PresetIssuers {
  /** The issuer advertised in metadata and used for discovery (normalized). */
  issuer: string;
  /** Every `iss` value tokens of this issuer may carry, `issuer` first. */
  acceptedIssuers: string[];
}

/** What a preset knows about its provider. */
export interface ProviderPreset {
  readonly name: ProviderName;
  /** Where scopes and the client id sit in this provider's tokens (RFC 9068 §2.2). */
  readonly claims: ClaimMapping;
  /** The issuer used when none is configured (only providers with one global issuer have it). */
  readonly defaultIssuer?: string;
  /**
   * True when this provider's tokens can never carry the MCP resource URL as `aud`, so the
   * audience must be configured explicitly (Google: `aud` is your OAuth client ID).
   */
  readonly audienceMustBeConfigured: boolean;
  /**
   * Normalizes a configured issuer and lists the `iss` values its tokens carry.
   *
   * @throws {PresetIssuerError} when the URL cannot be this provider's issuer; the message says
   *   what it should look like.
   */
  resolveIssuer(configured: string): PresetIssuers;
}

/** A configured issuer that cannot belong to the preset's provider. The message is safe to show. */
export class PresetIssuerError extends Error {
  override name = 'PresetIssuerError';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTRA_MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);
const ENTRA_PUBLIC_LOGIN_HOST = 'login.microsoftonline.com';
const ENTRA_PUBLIC_V1_HOST = 'sts.windows.net';
const KEYCLOAK_REALM_PATH = /^((?:\/auth)?\/realms\/[^/]+)\/?$/;
const GOOGLE_ISSUER = 'https://accounts.google.com';

function parse(configured: string): URL {
  try {
    return new URL(configured);
  } catch {
    throw new PresetIssuerError('is not an absolute URL');
  }
}

const auth0: ProviderPreset = Object.freeze({
  name: 'auth0',
  // Auth0 puts RBAC permissions in `permissions` and the requesting application in `azp`;
  // client-credentials tokens have `sub` = "<client id>@clients".
  claims: Object.freeze({
    scopeClaims: Object.freeze(['scope', 'permissions']),
    clientIdClaims: Object.freeze(['azp', 'client_id', 'sub']),
  }),
  audienceMustBeConfigured: false,
  resolveIssuer(configured: string): PresetIssuers {
    const url = parse(configured);
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      throw new PresetIssuerError(
        'is not an Auth0 issuer: Auth0 issuers are the tenant (or custom) domain with no path, e.g. https://your-tenant.auth0.com/',
      );
    }
    // Auth0's `iss` always ends with a slash, and the issuer check is exact: add it when missing.
    const issuer = `${url.origin}/`;
    return { issuer, acceptedIssuers: [issuer] };
  },
});

const entra: ProviderPreset = Object.freeze({
  name: 'entra',
  // Delegated scopes in `scp` (space-separated), application permissions in `roles` (array);
  // the client is `azp` in v2 tokens and `appid` in v1 tokens.
  claims: Object.freeze({
    scopeClaims: Object.freeze(['scp', 'roles']),
    clientIdClaims: Object.freeze(['azp', 'appid', 'sub']),
  }),
  audienceMustBeConfigured: false,
  resolveIssuer(configured: string): PresetIssuers {
    const url = parse(configured);
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    let tenant: string | undefined;
    let host = url.host;
    if (segments.length === 2 && segments[1] === 'v2.0') tenant = segments[0];
    else if (segments.length === 1 && url.host === ENTRA_PUBLIC_V1_HOST) {
      tenant = segments[0];
      host = ENTRA_PUBLIC_LOGIN_HOST;
    }
    if (tenant === undefined) {
      throw new PresetIssuerError(
        'is not an Entra ID issuer: use https://login.microsoftonline.com/<tenant-id>/v2.0 (v1 tokens from https://sts.windows.net/<tenant-id>/ are accepted with it)',
      );
    }
    if (ENTRA_MULTI_TENANT.has(tenant.toLowerCase())) {
      throw new PresetIssuerError(
        `names the multi-tenant endpoint "${tenant}", which has no fixed issuer: tokens carry the issuing tenant's ID, so configure your tenant ID (a GUID)`,
      );
    }
    if (!GUID.test(tenant)) {
      throw new PresetIssuerError(
        'must name the tenant by its ID (a GUID): Entra ID tokens carry the tenant ID in `iss`, never a domain name',
      );
    }
    const issuer = `https://${host}/${tenant}/v2.0`;
    // v1 and v2 tokens of one tenant are signed by the same keys; v1 tokens (apps whose manifest
    // keeps accessTokenAcceptedVersion 1 or null) carry the sts.windows.net issuer.
    const acceptedIssuers =
      host === ENTRA_PUBLIC_LOGIN_HOST ? [issuer, `https://${ENTRA_PUBLIC_V1_HOST}/${tenant}/`] : [issuer];
    return { issuer, acceptedIssuers };
  },
});

const keycloak: ProviderPreset = Object.freeze({
  name: 'keycloak',
  // Keycloak puts the requesting client in `azp`; `client_id` only appears in client-credentials
  // tokens of recent versions.
  claims: Object.freeze({
    scopeClaims: Object.freeze(['scope']),
    clientIdClaims: Object.freeze(['azp', 'client_id', 'sub']),
  }),
  audienceMustBeConfigured: false,
  resolveIssuer(configured: string): PresetIssuers {
    const url = parse(configured);
    const match = KEYCLOAK_REALM_PATH.exec(url.pathname);
    if (!match || url.search !== '' || url.hash !== '') {
      throw new PresetIssuerError(
        'is not a Keycloak realm issuer: use https://<host>/realms/<realm> (https://<host>/auth/realms/<realm> before Keycloak 17)',
      );
    }
    // The realm issuer never ends with a slash.
    const issuer = `${url.origin}${match[1]}`;
    return { issuer, acceptedIssuers: [issuer] };
  },
});

const google: ProviderPreset = Object.freeze({
  name: 'google',
  // Google's JWTs are ID tokens: no scopes, `aud` is the OAuth client ID, `azp` the client that
  // asked for the token. Google access tokens are opaque and have no RFC 7662 introspection.
  claims: Object.freeze({
    scopeClaims: Object.freeze(['scope']),
    clientIdClaims: Object.freeze(['azp', 'sub']),
  }),
  defaultIssuer: GOOGLE_ISSUER,
  audienceMustBeConfigured: true,
  resolveIssuer(configured: string): PresetIssuers {
    const url = parse(configured);
    if (url.origin !== GOOGLE_ISSUER || (url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
      throw new PresetIssuerError(`is not Google's issuer: Google has one, ${GOOGLE_ISSUER}`);
    }
    // Google documents both spellings of `iss` in its ID tokens.
    return { issuer: GOOGLE_ISSUER, acceptedIssuers: [GOOGLE_ISSUER, 'accounts.google.com'] };
  },
});

const PRESETS: Readonly<Record<ProviderName, ProviderPreset>> = Object.freeze({ auth0, entra, keycloak, google });

/**
 * The preset of a provider.
 *
 * @example
 * ```ts
 * providerPreset('entra').resolveIssuer('https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/');
 * // { issuer: 'https://login.microsoftonline.com/9188040d-…/v2.0',
 * //   acceptedIssuers: ['https://login.microsoftonline.com/9188040d-…/v2.0', 'https://sts.windows.net/9188040d-…/'] }
 * ```
 */
export function providerPreset(name: ProviderName): ProviderPreset {
  // hasOwn: a name from configuration must never reach Object.prototype members.
  const preset = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (preset === undefined) throw new TypeError(`unknown provider preset; use one of ${PROVIDER_NAMES.join(', ')}`);
  return preset;
}

/** The claim mapping for an optional preset: the preset's, or the default one (RFC 9068 §2.2). */
export function claimMappingFor(provider: ProviderName | undefined): ClaimMapping {
  return provider === undefined ? DEFAULT_CLAIM_MAPPING : providerPreset(provider).claims;
}

/** The `iss` values accepted for a configured issuer under an optional preset. */
export function acceptedIssuersFor(issuer: string, provider: ProviderName | undefined): string[] {
  return provider === undefined ? [issuer] : providerPreset(provider).resolveIssuer(issuer).acceptedIssuers;
}
