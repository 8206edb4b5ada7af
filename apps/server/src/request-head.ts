/**
 * Checks of a request's head that no framework makes the same way: RFC 9112 §3.2 requires a 400
 * for a request with more than one Host header field line or a Host value that is not
 * `host[:port]`. Node keeps the first of two Host lines (Express and Fastify then saw one name),
 * Hono's server joined them; every framework of the reference server now answers the same 400,
 * before the DNS-rebinding guard reads the name.
 *
 * @module
 */

/** A refused request head: answer with this status and JSON body. */
export interface HeadRejection {
  status: 400;
  body: { error: 'invalid_request'; error_description: string };
}

/** RFC 3986 §3.2.2 host (an IP literal in brackets, or a reg-name) and an optional port. No user info. */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::\d{0,5})?$/;

const TWO_HOSTS: HeadRejection = {
  status: 400,
  body: { error: 'invalid_request', error_description: 'More than one Host header' },
};
const BAD_HOST: HeadRejection = {
  status: 400,
  body: { error: 'invalid_request', error_description: 'Invalid Host header' },
};

/**
 * The 400 for a head with two Host lines or an invalid Host value, from the Node request's
 * `rawHeaders` (every line as received); `undefined` when the head is fine. A missing Host is
 * Node's own 400 for HTTP/1.1 (`requireHostHeader`).
 *
 * @example
 * ```ts
 * const rejection = checkRequestHead(req.rawHeaders);
 * if (rejection) return res.status(rejection.status).json(rejection.body);
 * ```
 */
export function checkRequestHead(rawHeaders: readonly string[]): HeadRejection | undefined {
  let host: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (host !== undefined) return TWO_HOSTS;
    host = rawHeaders[i + 1] ?? '';
  }
  if (host !== undefined && !HOST_VALUE.test(host)) return BAD_HOST;
  return undefined;
}
