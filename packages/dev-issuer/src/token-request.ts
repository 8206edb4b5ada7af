/**
 * The client credentials convenience of a running issuer: one POST to its own token endpoint
 * (RFC 6749 §4.4), exactly what any client would send.
 *
 * @module
 */
import type { ResolvedDevIssuerOptions } from './options.js';

/** Options of {@link DevIssuer.clientCredentialsToken}. */
export interface ClientCredentialsTokenOptions {
  /** Space-separated scopes. Default: every configured scope the client may use. */
  scope?: string;
  /** The resource (RFC 8707) the token is for, its `aud`. Default: the issuer's default resource. */
  resource?: string;
  /** Default: the development client. A pre-registered client's secret is looked up when omitted. */
  clientId?: string;
  clientSecret?: string;
}

/**
 * The token endpoint refused a request. `error` and `errorDescription` are the endpoint's own
 * answer (RFC 6749 §5.2); neither contains the client secret.
 *
 * @example
 * ```ts
 * try {
 *   await issuer.clientCredentialsToken({ scope: 'mcp:unknown' });
 * } catch (error) {
 *   if (error instanceof DevIssuerTokenError) console.log(error.error); // 'invalid_scope'
 * }
 * ```
 */
export class DevIssuerTokenError extends Error {
  readonly code = 'ERR_DEV_ISSUER_TOKEN';
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string | undefined;

  constructor(status: number, error: string, errorDescription: string | undefined) {
    super(`token request refused (HTTP ${status}): ${error}${errorDescription ? `: ${errorDescription}` : ''}`);
    this.name = 'DevIssuerTokenError';
    this.status = status;
    this.error = error;
    this.errorDescription = errorDescription;
  }
}

// RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined and base64ed.
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** POSTs a client credentials grant to `tokenEndpoint` and returns the access token. */
export async function requestClientCredentialsToken(
  tokenEndpoint: string,
  options: ResolvedDevIssuerOptions,
  request: ClientCredentialsTokenOptions = {},
): Promise<string> {
  const clientId = request.clientId ?? options.devClient.clientId;
  const configured =
    clientId === options.devClient.clientId
      ? { clientSecret: options.devClient.clientSecret, tokenEndpointAuthMethod: 'client_secret_basic' }
      : options.clients.find((client) => client.clientId === clientId);
  const clientSecret = request.clientSecret ?? configured?.clientSecret;
  if (!clientSecret) throw new TypeError(`no client secret known for client "${clientId}"; pass clientSecret`);

  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    resource: request.resource ?? (options.resources[0] as string),
  });
  // Without a scope the issuer grants its default: every configured scope the client may use.
  if (request.scope !== undefined) body.set('scope', request.scope);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (configured?.tokenEndpointAuthMethod === 'client_secret_post') {
    body.set('client_id', clientId);
    body.set('client_secret', clientSecret);
  } else {
    headers.authorization = basicCredentials(clientId, clientSecret);
  }

  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(5000),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof json.access_token !== 'string') {
    throw new DevIssuerTokenError(
      response.status,
      typeof json.error === 'string' ? json.error : 'invalid_response',
      typeof json.error_description === 'string' ? json.error_description : undefined,
    );
  }
  return json.access_token;
}
