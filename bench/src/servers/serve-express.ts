/**
 * The Express benchmark server: `GET /mcp` answering `{"ok":true}`, behind the guard the runner
 * chose (none, the reference middleware, mcp-warden's `wardenAuth`, express-oauth2-jwt-bearer, or
 * the MCP SDK's `requireBearerAuth` with a jose verifier).
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from '@mcp-warden/core';
import { wardenAuth } from '@mcp-warden/express';
import { requireBearerAuth } from '@modelcontextprotocol/express';
import express, { type Request, type RequestHandler } from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { announce, LISTEN_BACKLOG } from './announce.js';
import { joseTokenVerifier } from './jose-token-verifier.js';
import { ALLOW_ORIGIN, EXPOSE_HEADERS, EXPOSED_LIST, referenceIdentity } from './reference-middleware.js';
import { BENCH_PATH, type GuardConfig, OK_BODY, readServerConfig, unsupportedGuard } from './server-config.js';

async function guardFor(guard: GuardConfig): Promise<RequestHandler | undefined> {
  switch (guard.kind) {
    case 'none':
      return undefined;
    case 'mcp-warden':
      return wardenAuth({
        authenticator: await createAuthenticator(guard.options, { jwks: guard.jwks }),
        ...(guard.cors === undefined ? {} : { cors: guard.cors }),
      });
    case 'reference':
      return async (req, res, next) => {
        if (!res.hasHeader(ALLOW_ORIGIN)) res.setHeader(ALLOW_ORIGIN, '*');
        res.setHeader(EXPOSE_HEADERS, EXPOSED_LIST);
        req.auth = await referenceIdentity(req.headers.authorization);
        next();
      };
    case 'express-oauth2-jwt-bearer':
      return auth({
        issuer: guard.issuer,
        jwksUri: guard.jwksUri,
        audience: guard.audience,
        tokenSigningAlg: guard.algorithm,
      });
    case 'sdk-bearer-auth':
      return requireBearerAuth({ verifier: joseTokenVerifier(guard) }) as unknown as RequestHandler;
    default:
      return unsupportedGuard('express', guard);
  }
}

const config = readServerConfig('express');
const guard = await guardFor(config.guard);
const app = express();
// Every guard above leaves the caller on req.auth; a guarded route without one is a harness bug.
const handler: RequestHandler = (req: Request, res) => {
  if (guard !== undefined && req.auth === undefined) res.status(500).json({ ok: false });
  else res.json(OK_BODY);
};
if (guard === undefined) app.get(BENCH_PATH, handler);
else app.get(BENCH_PATH, guard, handler);

const server = createServer(app);
server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => {
  announce((server.address() as AddressInfo).port, () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
});
