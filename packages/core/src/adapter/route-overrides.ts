/**
 * What an adapter hands the authenticator per route: only the overrides the caller set, so the
 * core applies its configured defaults to the rest, and whether the route's decision can depend
 * on the request body (docs/requirements.md, "Step-up for tools": `tools/call` step-up reads the JSON-RPC body).
 *
 * @module
 */
import type { Authenticator, RouteAuthOptions } from '../authenticate/authenticator-types.js';

/**
 * Copies the route options the caller set (`requiredScopes`, `required`, `toolScopes`) and nothing
 * else, so an adapter's own options (authenticator, metadata, cors) never reach the core.
 *
 * @example
 * ```ts
 * const route = routeOverrides({ authenticator, requiredScopes: ['mcp:admin'] }); // { requiredScopes: ['mcp:admin'] }
 * ```
 */
export function routeOverrides(options: RouteAuthOptions): RouteAuthOptions {
  const route: RouteAuthOptions = {};
  if (options.requiredScopes !== undefined) route.requiredScopes = options.requiredScopes;
  if (options.required !== undefined) route.required = options.required;
  if (options.toolScopes !== undefined) route.toolScopes = options.toolScopes;
  return route;
}

/**
 * Whether the authenticator needs the parsed body for this route: only when tool scopes apply
 * (the route's own, else the configured ones). Adapters skip reading the body otherwise.
 *
 * @example
 * ```ts
 * const readsBody = routeNeedsBody(authenticator, routeOverrides(options));
 * ```
 */
export function routeNeedsBody(authenticator: Pick<Authenticator, 'config'>, route: RouteAuthOptions): boolean {
  return Object.keys(route.toolScopes ?? authenticator.config.toolScopes).length > 0;
}
