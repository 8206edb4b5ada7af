/**
 * The runtime's hook for work that may outlive a request, as core and the metadata provider take
 * it: Cloudflare Workers' `ExecutionContext.waitUntil`, which Hono exposes as `c.executionCtx`
 * (docs/deploying.md, "Cloudflare Workers").
 *
 * @module
 */

import type { Context } from 'hono';

/**
 * A `waitUntil` for the request of `c`: hands the promise to `c.executionCtx.waitUntil` on
 * runtimes that have one, and does nothing elsewhere (Node.js, Bun and Deno keep background
 * work running anyway). `c.executionCtx` is only read when there is work to hand over: Hono
 * throws when the runtime gave it no execution context, and building that error on every request
 * would cost more than the request's authentication.
 */
export function waitUntilOf(c: Context): (promise: Promise<unknown>) => void {
  return (promise) => {
    let executionCtx: { waitUntil(promise: Promise<unknown>): void } | undefined;
    try {
      executionCtx = c.executionCtx;
    } catch {
      return; // no execution context: this runtime does not stop a request's work early
    }
    executionCtx.waitUntil(promise);
  };
}
