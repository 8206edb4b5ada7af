/**
 * What the CLI prints once the issuer listens: where it is, what it issues, and a curl command that
 * obtains a token. The command carries the development client's secret: it is printed once, to the
 * terminal that started the issuer, because pasting it is the point; it never goes to the log.
 *
 * @module
 */
import type { DevIssuer } from './dev-issuer.js';

/** Quotes `value` for a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A ready-to-paste curl command that obtains a client credentials access token from `issuer` with
 * its development client, every configured scope and the default resource. It contains the
 * client's secret: print it for the developer, never log it.
 *
 * @example
 * ```ts
 * const issuer = await createDevIssuer();
 * console.log(`Get a token:\n  ${clientCredentialsCurl(issuer)}`);
 * ```
 */
export function clientCredentialsCurl(issuer: DevIssuer): string {
  const { clientId, clientSecret } = issuer.devClient;
  return [
    'curl -s',
    `-u ${shellQuote(`${clientId}:${clientSecret}`)}`,
    '-d grant_type=client_credentials',
    `--data-urlencode ${shellQuote(`scope=${issuer.scopes.join(' ')}`)}`,
    `--data-urlencode ${shellQuote(`resource=${issuer.resource}`)}`,
    shellQuote(issuer.tokenEndpoint),
  ].join(' ');
}

/** The start-up banner. */
export function formatBanner(issuer: DevIssuer, format: 'jwt' | 'opaque' = 'jwt'): string {
  const user = issuer.user.name ? `${issuer.user.id} (${issuer.user.name})` : issuer.user.id;
  return `mcp-warden dev issuer listening on ${issuer.url}: NOT FOR PRODUCTION
  issuer       ${issuer.issuer}
  metadata     ${new URL('/.well-known/oauth-authorization-server', issuer.issuer).href}
  resource     ${issuer.resources.join(', ')}
  scopes       ${issuer.scopes.join(' ')}
  user         ${user}
  tokens       ${format === 'jwt' ? 'JWT (RS256, typ at+jwt)' : `opaque; introspect at ${issuer.introspectionEndpoint}`}
  dev client   ${issuer.devClient.clientId}

Get an access token:
  ${clientCredentialsCurl(issuer)}

Press Ctrl+C to stop.
`;
}
