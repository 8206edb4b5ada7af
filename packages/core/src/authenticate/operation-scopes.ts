/**
 * The scopes an operation needs: the route's required scopes plus, for JSON-RPC `tools/call`
 * requests naming a tool in the tool → scopes map, that tool's scopes (RFC 6750 §3.1; docs/requirements.md, "Step-up for tools"). Batches are
 * scanned message by message. The body is untrusted input: anything that is not the expected
 * shape simply adds nothing.
 *
 * @module
 */

/** Scopes a tool needs, by tool name. */
export type ToolScopes = Readonly<Record<string, readonly string[]>>;

function toolScopesOf(message: unknown, toolScopes: ToolScopes, into: Set<string>): void {
  if (typeof message !== 'object' || message === null) return;
  const { method, params } = message as { method?: unknown; params?: unknown };
  if (method !== 'tools/call' || typeof params !== 'object' || params === null) return;
  const name = (params as { name?: unknown }).name;
  if (typeof name !== 'string' || !Object.hasOwn(toolScopes, name)) return;
  for (const scope of toolScopes[name]!) into.add(scope);
}

/**
 * The extra scopes `tools/call` messages in `body` need; empty when there are none.
 *
 * @example
 * ```ts
 * toolCallScopes({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'deploy' } }, { deploy: ['ops'] });
 * // ['ops']
 * ```
 */
export function toolCallScopes(body: unknown, toolScopes: ToolScopes): string[] {
  const scopes = new Set<string>();
  if (Array.isArray(body)) {
    for (const message of body) toolScopesOf(message, toolScopes, scopes);
  } else {
    toolScopesOf(body, toolScopes, scopes);
  }
  return [...scopes];
}
