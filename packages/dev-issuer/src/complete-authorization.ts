/**
 * Plays the user at the development issuer for one authorization request, over plain HTTP, the
 * way a browser would: it keeps the issuer's cookies, follows the issuer's redirects, reads the
 * login page's form and submits it. It stops at the first redirect that leaves the issuer (the
 * client's `redirect_uri`) and returns it, so a test can hand the `code` to its OAuth client.
 *
 * @module
 */

/** Options of {@link DevIssuer.completeAuthorization}. */
export interface CompleteAuthorizationOptions {
  /** What the user answers at the login page. Default `approve`. */
  decision?: 'approve' | 'deny';
}

// Authorize → login page → (POST) → resume → consent → resume → client: a handful of hops.
const MAX_STEPS = 12;
const FORM_ACTION = /<form\b[^>]*\baction="([^"]+)"/i;

function unescapeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Completes the authorization request at `authorizationUrl`; see the module comment. */
export async function completeAuthorization(
  authorizationUrl: string | URL,
  at: { issuer: string; url: string },
  options: CompleteAuthorizationOptions = {},
): Promise<URL> {
  const decision = options.decision ?? 'approve';
  const issuerOrigin = new URL(at.issuer).origin;
  const localOrigin = new URL(at.url).origin;
  // The issuer may be known by a name this process cannot reach (a tunnel); talk to the listen address.
  const toLocal = (target: URL) => {
    if (target.origin !== issuerOrigin) return target;
    return new URL(`${target.pathname}${target.search}`, localOrigin);
  };
  const ours = (target: URL) => target.origin === issuerOrigin || target.origin === localOrigin;

  const cookies = new Map<string, string>();
  let next = new URL(authorizationUrl);
  if (!ours(next)) throw new TypeError('authorizationUrl does not point at this issuer');
  let init: RequestInit = { method: 'GET' };

  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await fetch(toLocal(next), {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const separator = pair?.indexOf('=') ?? -1;
      if (pair && separator > 0) cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const target = new URL(location, next);
      if (!ours(target)) return target;
      next = target;
      init = { method: 'GET' };
      continue;
    }

    const text = await response.text();
    const action = response.status === 200 ? FORM_ACTION.exec(text)?.[1] : undefined;
    if (!action) {
      throw new Error(
        `the issuer answered HTTP ${response.status} instead of a redirect or the login page: ${text.slice(0, 300)}`,
      );
    }
    next = new URL(unescapeAttribute(action), next);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ decision }).toString(),
    };
  }
  throw new Error(`the authorization did not finish within ${MAX_STEPS} requests`);
}
