/**
 * Redis connection URLs (`redis://` and, over TLS, `rediss://`, as registered with IANA) checked
 * before anything connects, and shown in logs without their credentials.
 *
 * @module
 */

const SCHEMES = new Set(['redis:', 'rediss:']);

/**
 * What is wrong with a Redis URL, or `undefined` when it can be used. The message never repeats
 * the URL: it may hold a password.
 *
 * @example
 * ```ts
 * redisUrlProblem('redis://cache.internal:6379'); // undefined
 * redisUrlProblem('http://cache.internal'); // 'must be a redis:// or rediss:// URL (…)'
 * ```
 */
export function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return 'must be a redis:// or rediss:// URL, such as redis://localhost:6379 (it is not an absolute URL)';
  }
  if (!SCHEMES.has(parsed.protocol)) {
    return `must be a redis:// or rediss:// URL, such as redis://localhost:6379 (it starts with ${parsed.protocol}//)`;
  }
  if (parsed.hostname === '') return 'must name a host, such as redis://localhost:6379';
  const database = parsed.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d+$/.test(database)) {
    return 'may only have a database number as its path, such as redis://localhost:6379/0';
  }
  return undefined;
}

/**
 * The URL as it may appear in a log line: scheme, host, port and database, never the user name or
 * password.
 *
 * @example
 * ```ts
 * redactRedisUrl('rediss://app:s3cret@cache.internal:6380/2'); // 'rediss://cache.internal:6380/2'
 * ```
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    const database = parsed.pathname.replace(/^\//, '');
    const port = parsed.port === '' ? '6379' : parsed.port;
    return `${parsed.protocol}//${parsed.hostname}:${port}${database === '' ? '' : `/${database}`}`;
  } catch {
    return '(unparseable Redis URL)';
  }
}
