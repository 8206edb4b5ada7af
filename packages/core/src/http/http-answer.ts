/**
 * An HTTP answer as plain data: what the core decides and every adapter writes with its own
 * framework's response API, so the three adapters cannot drift apart.
 *
 * @module
 */

/**
 * A status, its headers and a body. A rejection's body is the JSON error object (RFC 6750 §3);
 * a discovery document's is the serialised JSON text, `null` when there is none (HEAD, 204).
 *
 * @example
 * ```ts
 * const answer: HttpAnswer<AuthErrorBody> = { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body };
 * ```
 */
export interface HttpAnswer<Body = unknown> {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Body;
}
