/**
 * Configuration rules of token introspection (RFC 7662, RFC 7662 §2.2): discovery needs an issuer to
 * discover from, and the client credentials must be complete for the chosen client
 * authentication method (RFC 6749 §2.3.1).
 *
 * @module
 */

import { DISCOVER_INTROSPECTION_ENDPOINT, type WardenConfig } from './config-schema.js';

type ConfigKey = keyof WardenConfig;

/** Reports every introspection configuration problem through `report`. */
export function checkIntrospectionConfig(
  config: WardenConfig,
  ok: (...keys: ConfigKey[]) => boolean,
  report: (key: ConfigKey, message: string) => void,
  name: (key: ConfigKey) => string,
): void {
  if (!ok('oauthIntrospectionEndpoint', 'oauthClientId', 'oauthClientSecret', 'jwtIssuer', 'oauthServerUrl')) return;
  const endpoint = config.oauthIntrospectionEndpoint;
  if (
    endpoint === DISCOVER_INTROSPECTION_ENDPOINT &&
    config.jwtIssuer === undefined &&
    config.oauthServerUrl === undefined
  ) {
    report(
      'oauthIntrospectionEndpoint',
      `is "discover" but there is no issuer to discover it from: set ${name('jwtIssuer')} or ${name('oauthServerUrl')}, or give the endpoint URL`,
    );
  }
  if (config.oauthClientSecret !== undefined && config.oauthClientId === undefined) {
    report('oauthClientSecret', `is set without ${name('oauthClientId')}; set both`);
  }
  if (
    endpoint !== undefined &&
    ok('oauthIntrospectionAuthMethod') &&
    config.oauthIntrospectionAuthMethod === 'client_secret_post' &&
    config.oauthClientId === undefined
  ) {
    report(
      'oauthIntrospectionAuthMethod',
      `is client_secret_post but ${name('oauthClientId')} is not set: the introspection request needs the client's credentials`,
    );
  }
}
