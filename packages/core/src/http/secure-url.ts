/**
 * The transport rule for every URL mcp-warden configures or talks to, written once: https, or
 * plain http only on a loopback host or when the operator explicitly allows insecure development
 * (OAuth 2.1 §1.5 requires TLS; the loopback exception mirrors RFC 8252 §8.3).
 *
 * @module
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether `url` may be used: `https:`, or `http:` on `localhost`, `127.0.0.1`, `[::1]` or with
 * `allowInsecureHttp`. Any other scheme is refused.
 */
export function isSecureEnoughUrl(url: URL, allowInsecureHttp: boolean): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (allowInsecureHttp || LOOPBACK_HOSTS.has(url.hostname));
}

/** The configuration problem of a URL {@link isSecureEnoughUrl} refuses; `allowInsecureHttp` is the name the user wrote. */
export function insecureUrlProblem(allowInsecureHttp: string): string {
  return `must use https:// (http:// is allowed only on localhost, 127.0.0.1 or [::1]); for development set ${allowInsecureHttp}=true`;
}
