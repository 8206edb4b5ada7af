/**
 * What an OAuth client does, written out with plain `fetch` for the tests: PKCE values, dynamic
 * client registration, a cookie jar for the browser steps, token requests.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 §4.1–4.2: a verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** RFC 7591 registration; returns the status and the JSON answer. */
export async function register(
  registrationEndpoint: string,
  metadata: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(registrationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** POSTs a form to the token (or introspection) endpoint. */
export async function postForm(
  endpoint: string,
  form: Record<string, string>,
  basic?: { clientId: string; clientSecret: string },
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...extraHeaders };
  if (basic) {
    headers.authorization = `Basic ${Buffer.from(
      `${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.clientSecret)}`,
    ).toString('base64')}`;
  }
  const response = await fetch(endpoint, { method: 'POST', headers, body: new URLSearchParams(form) });
  // RFC 7009 §2.2: a successful revocation answers 200 with an empty body.
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** The cookies a browser would keep for one site. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const at = pair.indexOf('=');
      if (at > 0) this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** GET or POST without following redirects, sending and keeping cookies. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: this.header() },
    });
    this.store(response);
    return response;
  }
}

/**
 * Plays the browser through an authorization request: the login page, the approval, the issuer's
 * redirects. Returns where the issuer finally sends the browser (the client's redirect URI with
 * `code`, `state` and `iss`).
 */
export async function approveAuthorization(issuerUrl: string, authorizationUrl: URL): Promise<URL> {
  const browser = new CookieJar();
  const authorize = await browser.fetch(authorizationUrl);
  const loginPage = new URL(authorize.headers.get('location') as string, issuerUrl);
  const html = await (await browser.fetch(loginPage)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined) throw new Error('no login form');
  let response = await browser.fetch(new URL(action, issuerUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=approve',
  });
  let location = new URL(response.headers.get('location') as string, issuerUrl);
  for (let hops = 0; location.origin === issuerUrl && hops < 6; hops++) {
    response = await browser.fetch(location);
    location = new URL(response.headers.get('location') as string, issuerUrl);
  }
  return location;
}
