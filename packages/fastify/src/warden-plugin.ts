/**
 * The Fastify plugin: a hook that extracts the credentials, asks the core's authenticator, and
 * either decorates `request.auth` with the caller's `AuthInfo` or answers with the core's status,
 * challenge and JSON body. It holds no authentication logic of its own (adapters are
 * glue).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import {
  type AuthInfo,
  type AuthResult,
  bodyHeadersProblem,
  corsPolicyFor,
  mergeExposedHeaders,
  type RouteAuthOptions,
  readRequestBody,
  routeNeedsBody,
  routeOverrides,
  UNEXPECTED_FAILURE,
  varyOnOrigin,
  type WardenAdapterOptions,
} from '@mcp-warden/core/adapter';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { toAuthRequest } from './auth-request.js';
import { sendJson } from './send-json.js';
import { registerMetadataRoutes } from './warden-metadata.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The authenticated caller, set by `wardenPlugin`; `undefined` for an anonymous request (auth
     * disabled, or optional and no credentials sent). Mirrored on `request.raw.auth`, the field
     * the official MCP SDK's `toNodeHandler` reads and hands to tool handlers.
     */
    auth?: AuthInfo;
  }
  interface FastifyContextConfig {
    /**
     * Per-route authentication: overrides of the plugin's `requiredScopes`, `required` and
     * `toolScopes`, or `false` for a route that is never authenticated.
     */
    warden?: RouteAuthOptions | false;
  }
}

type RawWithAuth = IncomingMessage & { auth?: AuthInfo };
/** A stream Fastify's body reader accepts in place of the request (it reads this length). */
type ReadPayload = Readable & { receivedEncodedLength?: number };

/** Whether a request carries a body (RFC 9112 §6.3: a Content-Length above 0, or Transfer-Encoding). */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length.trim() !== '0') || request.headers['transfer-encoding'] !== undefined;
}

const plugin: FastifyPluginAsync<WardenAdapterOptions> = async (instance, options) => {
  const authenticator = options?.authenticator;
  if (authenticator === undefined || typeof authenticator.authenticate !== 'function') {
    throw new TypeError('wardenPlugin: options.authenticator must be an Authenticator from createAuthenticator()');
  }
  const cors = corsPolicyFor(options.cors, authenticator.config);
  const pluginRoute = routeOverrides(options);
  // Route overrides are merged once per route config object, not once per request.
  const mergedRoutes = new WeakMap<RouteAuthOptions, RouteAuthOptions>();
  const effectiveRoute = (override: RouteAuthOptions | undefined): RouteAuthOptions => {
    if (override === undefined) return pluginRoute;
    let merged = mergedRoutes.get(override);
    if (merged === undefined) {
      merged = { ...pluginRoute, ...routeOverrides(override) };
      mergedRoutes.set(override, merged);
    }
    return merged;
  };

  const maxBodyBytes = options.maxBodyBytes ?? authenticator.config.maxBodyBytes;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError('wardenPlugin: options.maxBodyBytes must be a positive integer (bytes)');
  }
  if (!instance.hasRequestDecorator('auth')) instance.decorateRequest('auth', undefined);
  // The first half of the decision, taken before the body is read, waits for the second on the
  // request itself: a request decorator is part of every request's shape from the start, where a
  // WeakMap entry per request costs a hash and the garbage collector's ephemeron pass. One slot
  // per registration, so nested registrations each read their own first half.
  const passedSlot = Symbol('@mcp-warden/fastify passed');
  instance.decorateRequest(passedSlot, undefined);
  type WithPassed = FastifyRequest & { [passedSlot]?: AuthResult };
  if (options.metadata !== undefined) registerMetadataRoutes(instance, options.metadata, 'wardenPlugin');

  if (cors) {
    // preflights never carry credentials, so they are answered before any authentication:
    // by the hook on routes that declare OPTIONS themselves, by a wildcard route everywhere else.
    const answerPreflight = (request: FastifyRequest, reply: FastifyReply) => {
      const requested = request.headers['access-control-request-headers'];
      return reply.code(204).headers(cors.preflightHeaders(request.headers.origin, requested)).send();
    };
    instance.options('*', { config: { warden: false } }, async (request, reply) => answerPreflight(request, reply));
    // A callback hook, not an async one: it has nothing to await, and on a 16 µs bare request the
    // promise Fastify would otherwise settle per request is a measurable share.
    instance.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (request.routeOptions.config.warden === false) return done();
      if (request.method === 'OPTIONS') {
        answerPreflight(request, reply); // answered here: Fastify expects no done() after a reply is sent
        return;
      }
      // Written to the reply, which every response Fastify sends carries. A handler that takes
      // over with reply.hijack() (an MCP handler through toNodeHandler) writes reply.raw
      // itself, so a cross-origin request also gets them on the raw response, where Node merges
      // them into the handler's own. Only a browser reads CORS headers, and a browser's
      // cross-origin request always carries `Origin` (Fetch standard, "CORS protocol"): writing
      // the raw copy for every request instead sent every Fastify response through Node's
      // slower path that merges two header sets: about a tenth of a bare request's CPU.
      const origin = request.headers.origin;
      const addsOrigin = !reply.hasHeader('access-control-allow-origin');
      const allowed = addsOrigin ? cors.allowOrigin(origin) : undefined;
      const vary = addsOrigin && cors.variesByOrigin ? varyOnOrigin(reply.getHeader('vary')?.toString()) : undefined;
      const exposed = mergeExposedHeaders(reply.getHeader('access-control-expose-headers')?.toString());
      if (allowed !== undefined) reply.header('access-control-allow-origin', allowed);
      if (vary !== undefined) reply.header('vary', vary);
      reply.header('access-control-expose-headers', exposed);
      if (origin !== undefined) {
        if (allowed !== undefined) reply.raw.setHeader('access-control-allow-origin', allowed);
        if (vary !== undefined) reply.raw.setHeader('vary', vary);
        reply.raw.setHeader('access-control-expose-headers', exposed);
      }
      done();
    });
  }

  // preParsing: authentication is decided before a byte of the body is read; only a request that
  // passes has its body read, within the limit, and handed to Fastify's parser. A callback hook
  // chained on the authenticator's promise rather than an async function: Fastify settles an async
  // hook's own promise on top of the one awaited inside it, on every request.
  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    authenticator.reportUnexpectedFailure(error, { method: request.method, path: request.url.split('?', 1)[0] });
    sendJson(reply, UNEXPECTED_FAILURE);
  };
  instance.addHook(
    'preParsing',
    (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: ReadPayload,
      done: (error: null, payload?: ReadPayload) => void,
    ) => {
      const override = request.routeOptions.config.warden;
      if (override === false || request.method === 'OPTIONS') return done(null, payload);
      const withBody = hasBody(request);
      if (withBody) {
        const refusal = bodyHeadersProblem(
          request.headers['content-length'],
          request.headers['content-encoding'],
          request.headers['content-type'],
          maxBodyBytes,
        );
        if (refusal !== undefined) {
          sendJson(reply, refusal); // answered: Fastify's runner stops at a sent reply
          return;
        }
      }
      let decision: Promise<AuthResult>;
      try {
        decision = authenticator.authenticate(toAuthRequest(request, true), effectiveRoute(override));
      } catch (error) {
        failed(request, reply, error);
        return;
      }
      decision.then(
        (result) => {
          if (result.outcome === 'rejected') {
            sendJson(reply, result);
            return;
          }
          const auth = result.outcome === 'authenticated' ? result.authInfo : undefined;
          request.auth = auth;
          (request.raw as RawWithAuth).auth = auth;
          (request as WithPassed)[passedSlot] = result;
          if (!withBody) {
            done(null, payload);
            return;
          }
          readRequestBody(payload, request.headers['content-type'], maxBodyBytes, false).then(
            (read) => {
              if ('status' in read) {
                sendJson(reply, read);
                return;
              }
              const buffered: ReadPayload = Readable.from([read.bytes]);
              buffered.receivedEncodedLength = read.bytes.byteLength;
              done(null, buffered);
            },
            (error: unknown) => failed(request, reply, error),
          );
        },
        (error: unknown) => failed(request, reply, error),
      );
    },
  );

  // preValidation: the body is parsed; the tools/call check (docs/requirements.md, "Step-up for tools") runs before schema validation
  // tells a caller without the scope anything about the route's input.
  // A callback hook: nothing here awaits, and most requests (no body, or no tool scopes) leave at once.
  instance.addHook('preValidation', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const override = request.routeOptions.config.warden;
    const first = (request as WithPassed)[passedSlot];
    if (override === false || request.body === undefined || first === undefined) return done();
    const route = effectiveRoute(override);
    if (!routeNeedsBody(authenticator, route)) return done();
    const result = authenticator.authorizeToolCall(first, toAuthRequest(request), route);
    if (result.outcome === 'rejected') {
      sendJson(reply, result); // answered here: Fastify expects no done() after a reply is sent
      return;
    }
    done();
  });
};

/**
 * Fastify plugin (wrapped with `fastify-plugin`, so its hook covers the scope it is registered
 * in) that authenticates every route of that scope (MCP authorization, token validation) with the core's authenticator.
 *
 * - authenticated: `request.auth` (and `request.raw.auth`, read by `toNodeHandler`) is the
 *   caller's `AuthInfo`;
 * - anonymous (auth disabled, or optional and no credentials): `request.auth` is `undefined`;
 * - rejected: answers 400/401/403/503 with the core's `WWW-Authenticate` challenge and JSON body.
 *
 * Per route, `config: { warden: { requiredScopes, required, toolScopes } }` overrides the plugin's
 * options and `config: { warden: false }` leaves a route public. Register it inside a prefixed
 * scope (`app.register(scope, { prefix: '/api' })`) to protect only that scope's routes.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createAuthenticator, loadConfig } from '@mcp-warden/core/adapter';
 * import { wardenPlugin } from '@mcp-warden/fastify';
 *
 * const app = Fastify();
 * await app.register(wardenPlugin, { authenticator: await createAuthenticator(loadConfig()) });
 * app.post('/mcp', async (request) => ({ caller: request.auth?.clientId }));
 * app.post('/admin', { config: { warden: { requiredScopes: ['mcp:admin'] } } }, adminHandler);
 * app.get('/health', { config: { warden: false } }, async () => 'ok');
 * ```
 */
export const wardenPlugin = fp(plugin, { fastify: '5.x', name: '@mcp-warden/fastify' });
