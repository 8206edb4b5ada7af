/**
 * The transport rule for every URL core talks to (design.md): https, or plain http only on a
 * loopback host or when the operator explicitly allows insecure development.
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
