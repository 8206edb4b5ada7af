/**
 * A loopback forwarding proxy that adds `Authorization: Bearer <token>` to every request: the way
 * to run a client that cannot send headers of its own (the MCP conformance suite's command line)
 * against a server that requires authentication. Everything else passes through as the client
 * sent it, `Host` and `Origin` included, so the server judges the very request the client made;
 * responses (server-sent event streams too) are streamed back unchanged.
 *
 * @module
 */
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Connection-level headers (RFC 9110 §7.6.1) that belong to one hop and are never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

function forwardableRaw(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  }
  return kept;
}

/** One answer the target gave to a forwarded request. */
export interface ForwardedAnswer {
  method: string;
  path: string;
  status: number;
  /** The answer's `WWW-Authenticate` header: present when the target refused the credentials. */
  challenge: string | undefined;
}

export interface BearerProxy {
  /** `http://127.0.0.1:PORT`: send requests here instead of to the target. */
  url: string;
  /** Every answer so far, in order. */
  answers(): ForwardedAnswer[];
  close(): Promise<void>;
}

/**
 * Starts the proxy in front of `target` (an origin such as `http://127.0.0.1:8000`).
 *
 * @example
 * ```ts
 * const proxy = await startBearerProxy('http://127.0.0.1:8000', token);
 * await fetch(`${proxy.url}/mcp`, { method: 'POST', ... }); // reaches the server with the token
 * ```
 */
export async function startBearerProxy(target: string, token: string): Promise<BearerProxy> {
  const upstream = new URL(target);
  const answers: ForwardedAnswer[] = [];
  const server = createServer((incoming, outgoing) => {
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...forwardable(incoming.headers), authorization: `Bearer ${token}` },
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        const challenge = answer.headers['www-authenticate'];
        answers.push({ method: incoming.method ?? '', path: incoming.url ?? '', status, challenge });
        outgoing.writeHead(status, answer.statusMessage, forwardableRaw(answer.rawHeaders));
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error: 'bad_gateway' }));
    });
    // A client that hangs up before the answer ended (an event stream it is done with) ends the
    // forwarded request too.
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) forwarded.destroy();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers: () => [...answers],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
