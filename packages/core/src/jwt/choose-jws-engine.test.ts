import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import { isConfigError } from '../errors/config-error.js';
import { chooseJwsEngine, isNodeJs } from './choose-jws-engine.js';
import { joseEngine } from './jws-engine.js';

describe('choosing the verification engine at start-up (docs/performance.md)', () => {
  it('auto is node:crypto on Node.js, and jose is jose', () => {
    expect(isNodeJs()).toBe(true);
    expect(chooseJwsEngine('auto', 'MCP_JWT_ENGINE').name).toBe('node');
    expect(chooseJwsEngine('node', 'MCP_JWT_ENGINE').name).toBe('node');
    expect(chooseJwsEngine('jose', 'MCP_JWT_ENGINE')).toEqual({ name: 'jose', engine: joseEngine });
  });

  it('tells Node.js from the runtimes that imitate it', () => {
    const node = { process: { versions: { node: '20.20.0' } } };
    expect(isNodeJs(node)).toBe(true);
    expect(isNodeJs({ ...node, Bun: {} })).toBe(false);
    expect(isNodeJs({ process: { versions: { node: '22.0.0', bun: '1.4.4' } } })).toBe(false);
    expect(isNodeJs({ ...node, Deno: {} })).toBe(false);
    expect(isNodeJs({ ...node, navigator: { userAgent: 'Cloudflare-Workers' } })).toBe(false);
    expect(isNodeJs({})).toBe(false);
  });

  it('"node" where node:crypto cannot be loaded is a start-up error naming the setting', () => {
    const process_ = globalThis.process as { getBuiltinModule?: unknown };
    const original = process_.getBuiltinModule;
    process_.getBuiltinModule = undefined;
    try {
      expect(chooseJwsEngine('auto', 'MCP_JWT_ENGINE').name).toBe('jose');
      let thrown: unknown;
      try {
        chooseJwsEngine('node', 'MCP_JWT_ENGINE');
      } catch (error) {
        thrown = error;
      }
      expect(isConfigError(thrown)).toBe(true);
      expect(String((thrown as Error).message)).toContain('MCP_JWT_ENGINE');
    } finally {
      process_.getBuiltinModule = original;
    }
  });

  it('an unknown MCP_JWT_ENGINE is a configuration error naming it', async () => {
    await expect(createAuthenticator({ jwtEngine: 'webcrypto' as never, jwtSecret: 'x'.repeat(32) })).rejects.toThrow(
      /jwtEngine: must be one of: auto, node, jose/,
    );
  });
});
