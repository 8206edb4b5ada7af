/**
 * The Hono benchmark server (on `@hono/node-server`): `GET /mcp` answering `{"ok":true}`, behind
 * the guard the runner chose (none, the reference middleware, mcp-warden's `wardenAuth`,
 * `hono/jwk`, or the MCP SDK's web-standard `requireBearerAuth` with a jose verifier).
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createAuthenticator } from '@mcp-warden/core';
import { wardenAuth } from '@mcp-warden/hono';
import { requireBearerAuth } from '@modelcontextprotocol/server';
import { Hono, type MiddlewareHandler } from 'hono';
import { jwk } from 'hono/jwk';
import { announce, LISTEN_BACKLOG } from './announce.js';
import { joseTokenVerifier } from './jose-token-verifier.js';
import { fetchJwks } from './peer-keys.js';
import { ALLOW_ORIGIN, EXPOSE_HEADERS, EXPOSED_LIST, referenceIdentity } from './reference-middleware.js';
import { BENCH_PATH, type GuardConfig, OK_BODY, readServerConfig, unsupportedGuard } from './server-config.js';

type Env = { Variables: { auth?: unknown; jwtPayload?: unknown } };

async function guardFor(guard: GuardConfig): Promise<MiddlewareHandler<Env> | undefined> {
  switch (guard.kind) {
    case 'none':
      return undefined;
    case 'mcp-warden':
      return wardenAuth({
        authenticator: await createAuthenticator(guard.options, { jwks: guard.jwks }),
        ...(guard.cors === undefined ? {} : { cors: guard.cors }),
      }) as unknown as MiddlewareHandler<Env>;
    case 'reference':
      return async (c, next) => {
        c.set('auth', await referenceIdentity(c.req.header('authorization')));
        await next();
        const headers = c.res.headers;
        if (!headers.has(ALLOW_ORIGIN)) headers.set(ALLOW_ORIGIN, '*');
        headers.set(EXPOSE_HEADERS, EXPOSED_LIST);
      };
    case 'hono-jwk':
      // With `jwks_uri`, hono/jwk downloads the JWKS on every request; keys fetched once at
      // start-up from the same JWKS server are its fastest configuration.
      return jwk({
        keys: (await fetchJwks(guard.jwksUri)) as Parameters<typeof jwk>[0]['keys'],
        alg: [guard.algorithm as 'RS256'],
        verification: { iss: guard.issuer, aud: guard.audience, ...(guard.typ ? { typ: guard.typ } : {}) },
      }) as unknown as MiddlewareHandler<Env>;
    case 'sdk-bearer-auth': {
      // The SDK's web-standard middleware: AuthInfo or the challenge Response.
      const check = requireBearerAuth({ verifier: joseTokenVerifier(guard) });
      return async (c, next) => {
        const result = await check(c.req.raw);
        if (result instanceof Response) return result;
        c.set('auth', result);
        await next();
      };
    }
    default:
      return unsupportedGuard('hono', guard);
  }
}

const config = readServerConfig('hono');
const guard = await guardFor(config.guard);
const app = new Hono<Env>();
const handler = (c: import('hono').Context<Env>) => {
  if (guard !== undefined && c.get('auth') === undefined && c.get('jwtPayload') === undefined) {
    return c.json({ ok: false }, 500);
  }
  return c.json(OK_BODY);
};
if (guard === undefined) app.get(BENCH_PATH, handler);
else app.get(BENCH_PATH, guard, handler);

const server = createAdaptorServer({ fetch: app.fetch });
server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => {
  announce((server.address() as AddressInfo).port, () => {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    return new Promise((resolve) => server.close(resolve));
  });
});
