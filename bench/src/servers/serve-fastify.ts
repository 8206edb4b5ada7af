/**
 * The Fastify benchmark server: `GET /mcp` answering `{"ok":true}`, behind the guard the runner
 * chose (none, the reference middleware, mcp-warden's `wardenPlugin`, or `@fastify/jwt` with or
 * without its cache).
 *
 * @module
 */
import fastifyJwt from '@fastify/jwt';
import { createAuthenticator } from '@mcp-warden/core';
import { wardenPlugin } from '@mcp-warden/fastify';
import Fastify, { type FastifyRequest } from 'fastify';
import { announce, LISTEN_BACKLOG } from './announce.js';
import { firstKeyAsPem } from './peer-keys.js';
import { ALLOW_ORIGIN, EXPOSE_HEADERS, EXPOSED_LIST, referenceIdentity } from './reference-middleware.js';
import { BENCH_PATH, OK_BODY, readServerConfig, unsupportedGuard } from './server-config.js';

const config = readServerConfig('fastify');
const { guard } = config;
const app = Fastify({ logger: false });
let authenticated: (request: FastifyRequest) => boolean = () => true;

switch (guard.kind) {
  case 'none':
    break;
  case 'mcp-warden':
    await app.register(wardenPlugin, {
      authenticator: await createAuthenticator(guard.options, { jwks: guard.jwks }),
      ...(guard.cors === undefined ? {} : { cors: guard.cors }),
    });
    authenticated = (request) => request.auth !== undefined;
    break;
  case 'reference':
    // The plugin's two hooks: CORS headers on request, the identity before validation.
    app.decorateRequest('auth', undefined);
    app.addHook('onRequest', async (_request, reply) => {
      if (!reply.hasHeader(ALLOW_ORIGIN)) {
        reply.header(ALLOW_ORIGIN, '*');
        reply.raw.setHeader(ALLOW_ORIGIN, '*');
      }
      reply.header(EXPOSE_HEADERS, EXPOSED_LIST);
      reply.raw.setHeader(EXPOSE_HEADERS, EXPOSED_LIST);
    });
    app.addHook('preValidation', async (request) => {
      request.auth = await referenceIdentity(request.headers.authorization);
    });
    authenticated = (request) => request.auth !== undefined;
    break;
  case 'fastify-jwt':
    // @fastify/jwt reads no JWKS itself (its README points to get-jwks); a static public key
    // fetched once from the same JWKS server is its fastest configuration.
    await app.register(fastifyJwt, {
      secret: { public: await firstKeyAsPem(guard.jwksUri, guard.algorithm) },
      verify: {
        algorithms: [guard.algorithm],
        allowedIss: guard.issuer,
        allowedAud: guard.audience,
        ...(guard.cache ? { cache: true } : {}),
      },
    } as Parameters<typeof fastifyJwt>[1]);
    app.addHook('onRequest', async (request) => {
      await request.jwtVerify();
    });
    authenticated = (request) => (request as { user?: unknown }).user !== undefined;
    break;
  default:
    unsupportedGuard('fastify', guard);
}

app.get(BENCH_PATH, async (request, reply) => {
  if (!authenticated(request)) return reply.code(500).send({ ok: false });
  return OK_BODY;
});

await app.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG });
const address = app.server.address();
announce(typeof address === 'object' && address !== null ? address.port : 0, () => app.close());
