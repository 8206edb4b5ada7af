/**
 * One resource, three spellings: on a development machine `localhost`, `127.0.0.1` and `[::1]`
 * reach the same server, but an MCP client compares the protected-resource metadata's `resource`
 * with the URL it was given (RFC 9728 §3.3) and asks the authorization server for a token for
 * that exact string (RFC 8707 §2). When the configured resource URL is a loopback URL, the three
 * spellings are treated as one resource, so whichever address a user copies works. A resource on
 * any other host is never rewritten: there the Host header is the client's to choose and must not
 * shape what the server publishes.
 *
 * @module
 */

const LOOPBACK_SPELLINGS = ['localhost', '127.0.0.1', '[::1]'] as const;
const LOOPBACK = new Set<string>(LOOPBACK_SPELLINGS);

interface LoopbackParts {
  /** Everything before the host: `http://`. */
  scheme: string;
  /** `:8000`, or empty for the scheme's default port. */
  port: string;
  /** Everything after the authority, exactly as written. */
  rest: string;
  hostname: string;
}

function loopbackParts(resourceUrl: string): LoopbackParts | undefined {
  let url: URL;
  try {
    url = new URL(resourceUrl);
  } catch {
    return undefined;
  }
  if (!LOOPBACK.has(url.hostname) || url.username !== '' || url.password !== '') return undefined;
  const authorityStart = resourceUrl.indexOf('//') + 2;
  const afterAuthority = resourceUrl.slice(authorityStart).search(/[/?#]/);
  const authorityEnd = afterAuthority === -1 ? resourceUrl.length : authorityStart + afterAuthority;
  return {
    scheme: resourceUrl.slice(0, authorityStart),
    port: url.port === '' ? '' : `:${url.port}`,
    rest: resourceUrl.slice(authorityEnd),
    hostname: url.hostname,
  };
}

/**
 * Whether `resourceUrl` is on a loopback host (`localhost`, `127.0.0.1` or `[::1]`).
 *
 * @example
 * ```ts
 * isLoopbackResource('http://localhost:8000/mcp'); // true
 * isLoopbackResource('https://mcp.example.com/mcp'); // false
 * ```
 */
export function isLoopbackResource(resourceUrl: string): boolean {
  return loopbackParts(resourceUrl) !== undefined;
}

/**
 * Every spelling of a resource URL: the configured one first, then, for a loopback resource, the
 * same URL on the other loopback hosts (same scheme, port, path and query, written exactly as
 * configured). For any other host, only the configured URL.
 *
 * @example
 * ```ts
 * resourceSpellings('http://localhost:8000/mcp');
 * // ['http://localhost:8000/mcp', 'http://127.0.0.1:8000/mcp', 'http://[::1]:8000/mcp']
 * resourceSpellings('https://mcp.example.com/mcp'); // ['https://mcp.example.com/mcp']
 * ```
 */
export function resourceSpellings(resourceUrl: string): string[] {
  const parts = loopbackParts(resourceUrl);
  if (parts === undefined) return [resourceUrl];
  const others = LOOPBACK_SPELLINGS.filter((host) => host !== parts.hostname).map(
    (host) => `${parts.scheme}${host}${parts.port}${parts.rest}`,
  );
  return [resourceUrl, ...others];
}

/**
 * The spelling of a loopback resource that matches the request's `Host` header (`127.0.0.1:8000`
 * for a client that was given `http://127.0.0.1:8000/mcp`), or the configured URL when the
 * resource is not a loopback URL, the Host header is absent, names another host, or another port.
 *
 * @example
 * ```ts
 * resourceUrlForHost('http://localhost:8000/mcp', '127.0.0.1:8000'); // 'http://127.0.0.1:8000/mcp'
 * resourceUrlForHost('https://mcp.example.com/mcp', 'evil.example'); // 'https://mcp.example.com/mcp'
 * ```
 */
export function resourceUrlForHost(resourceUrl: string, host: string | null | undefined): string {
  if (typeof host !== 'string' || host === '') return resourceUrl;
  const parts = loopbackParts(resourceUrl);
  if (parts === undefined) return resourceUrl;
  const lower = host.toLowerCase();
  for (const spelling of LOOPBACK_SPELLINGS) {
    if (lower === `${spelling}${parts.port}`) {
      return spelling === parts.hostname ? resourceUrl : `${parts.scheme}${spelling}${parts.port}${parts.rest}`;
    }
  }
  return resourceUrl;
}
