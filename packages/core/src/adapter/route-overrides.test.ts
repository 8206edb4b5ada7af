import { describe, expect, it } from 'vitest';
import { defineConfig } from '../config/load-config.js';
import { routeNeedsBody, routeOverrides } from './route-overrides.js';

describe('routeOverrides', () => {
  it('keeps only the route options the caller set', () => {
    const options = { authenticator: {}, cors: false, requiredScopes: ['a'], required: true } as never;
    expect(routeOverrides(options)).toEqual({ requiredScopes: ['a'], required: true });
    expect(routeOverrides({})).toEqual({});
  });
});

describe('routeNeedsBody (docs/requirements.md, "Step-up for tools")', () => {
  const withTools = { config: defineConfig({ toolScopes: { admin_info: ['mcp:admin'] } }) };
  const without = { config: defineConfig({}) };

  it('is true when tool scopes apply, from the route or the configuration', () => {
    expect(routeNeedsBody(withTools, {})).toBe(true);
    expect(routeNeedsBody(without, { toolScopes: { x: ['y'] } })).toBe(true);
  });

  it('is false when no tool scopes apply, including a route that clears them', () => {
    expect(routeNeedsBody(without, {})).toBe(false);
    expect(routeNeedsBody(withTools, { toolScopes: {} })).toBe(false);
  });
});
