/**
 * What an oidc-provider instance tells the issuer's logger, and the one response it gives
 * differently from Koa's default. Errors a client caused are logged at debug (they are the
 * client's problem, and the client got a JSON answer); failures of the issuer itself at error.
 * Nothing logged carries a token, a secret or a query string.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type Provider from 'oidc-provider';
import { type DevIssuerLogger, log } from './logger.js';

// The per-endpoint error events oidc-provider emits (its error handler's `eventName`s).
const ERROR_EVENTS = [
  'authorization.error',
  'grant.error',
  'introspection.error',
  'revocation.error',
  'registration_create.error',
  'registration_read.error',
  'registration_update.error',
  'registration_delete.error',
  'pushed_authorization_request.error',
  'userinfo.error',
  'discovery.error',
  'jwks.error',
];

interface RequestContext {
  method?: string;
  path?: string;
}

/** Routes `provider`'s events, and one line per request, to `logger`. */
export function attachLogging(provider: Provider, logger: DevIssuerLogger | undefined): void {
  // oidc-provider's typings list its own events only; Koa's `error` and the per-endpoint error
  // events are plain EventEmitter events.
  const events = provider as unknown as EventEmitter;
  // Koa prints unhandled errors to stderr unless someone listens.
  events.on('error', (error: Error) => {
    log(logger, 'error', { error: error.message }, 'request failed');
  });
  provider.on('server_error', (ctx: RequestContext, error: Error) => {
    log(logger, 'error', { method: ctx.method, path: ctx.path, error: error.message }, 'oidc-provider server error');
  });
  for (const event of ERROR_EVENTS) {
    events.on(event, (ctx: RequestContext, error: { error?: string; error_description?: string }) => {
      log(
        logger,
        'debug',
        { event, method: ctx.method, path: ctx.path, error: error.error, description: error.error_description },
        'request refused',
      );
    });
  }
  provider.on('registration_create.success', (_ctx: unknown, client: { clientId?: string }) => {
    log(logger, 'info', { clientId: client.clientId }, 'client registered');
  });
  provider.use(async (ctx, next) => {
    await next();
    // What a developer needs to follow a client's flow, and what a test can count (introspection
    // calls, for instance). The path only: a query can carry an authorization code.
    log(
      logger,
      'debug',
      { method: ctx.method, path: ctx.path, route: ctx.oidc?.route, status: ctx.status },
      'request handled',
    );
  });
}

/** Koa answers unknown routes with a text/plain 404; answer in the JSON shape of every other error. */
export function answerUnknownRoutesWithJson(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: `no such endpoint: ${ctx.method} ${ctx.path}` };
    }
  });
}
