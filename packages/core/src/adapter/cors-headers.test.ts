import { describe, expect, it } from 'vitest';
import { defineConfig, loadConfig } from '../config/load-config.js';
import {
  allowedRequestHeaders,
  CORS_PREFLIGHT_HEADERS,
  corsPolicyFor,
  createCorsPolicy,
  mergeExposedHeaders,
  varyOnOrigin,
} from './cors-headers.js';

const STANDARD =
  'Authorization, X-API-Key, DPoP, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID, Mcp-Method, Mcp-Name';

describe('allowedRequestHeaders', () => {
  it('names every header of every MCP revision when the preflight asks for none', () => {
    expect(allowedRequestHeaders(undefined)).toBe(STANDARD);
    expect(allowedRequestHeaders('')).toBe(STANDARD);
  });

  it('adds the Mcp-Param-* (and any other) headers a browser asks for, as a browser spells them', () => {
    expect(allowedRequestHeaders('authorization,content-type,mcp-method,mcp-name,mcp-param-region')).toBe(
      `${STANDARD}, mcp-param-region`,
    );
    expect(allowedRequestHeaders(' x-request-id , Mcp-Param-A,mcp-param-a,,traceparent')).toBe(
      `${STANDARD}, x-request-id, Mcp-Param-A, traceparent`,
    );
  });

  it('reflects nothing from a list that is not made of field names', () => {
    for (const hostile of [
      'mcp-param-a, bad header',
      'x\r\nset-cookie: a=b',
      'mcp-param-a, (comment)',
      'a:b',
      '*',
      'mcp-param-a, *',
      Array.from({ length: 65 }, (_, i) => `x-h${i}`).join(','),
      `x-${'a'.repeat(4100)}`,
    ]) {
      expect(allowedRequestHeaders(hostile)).toBe(STANDARD);
    }
  });

  it('accepts up to 64 names', () => {
    const names = Array.from({ length: 64 }, (_, i) => `x-h${i}`);
    expect(allowedRequestHeaders(names.join(','))).toBe(`${STANDARD}, ${names.join(', ')}`);
  });
});

describe('createCorsPolicy', () => {
  it('any origin by default: *, no Vary: Origin', () => {
    const policy = createCorsPolicy();
    expect(policy.variesByOrigin).toBe(false);
    expect(policy.allowOrigin('https://app.example.com')).toBe('*');
    expect(policy.allowOrigin(undefined)).toBe('*');
    expect(policy.preflightHeaders('https://app.example.com', 'mcp-method,mcp-param-x')).toEqual({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': `${STANDARD}, mcp-param-x`,
      'Access-Control-Expose-Headers':
        'WWW-Authenticate, Retry-After, DPoP-Nonce, Mcp-Session-Id, Mcp-Protocol-Version',
      'Access-Control-Max-Age': '600',
      Vary: 'Access-Control-Request-Headers',
    });
  });

  it('a list echoes an allowed origin and refuses the others, with Vary: Origin', () => {
    const policy = createCorsPolicy(['https://app.example.com', 'http://localhost:6274']);
    expect(policy.variesByOrigin).toBe(true);
    expect(policy.allowOrigin('https://app.example.com')).toBe('https://app.example.com');
    expect(policy.allowOrigin('http://localhost:6274')).toBe('http://localhost:6274');
    expect(policy.allowOrigin('https://evil.example')).toBeUndefined();
    expect(policy.allowOrigin('https://app.example.com.evil.example')).toBeUndefined();
    expect(policy.allowOrigin('null')).toBeUndefined();
    expect(policy.allowOrigin(undefined)).toBeUndefined();
    expect(policy.preflightHeaders('https://app.example.com', 'mcp-method')).toMatchObject({
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Allow-Headers': STANDARD,
      Vary: 'Origin, Access-Control-Request-Headers',
    });
    expect(policy.preflightHeaders('https://evil.example', 'mcp-method')).toEqual({ Vary: 'Origin' });
  });

  it('a function decides per origin; only a literal true allows', () => {
    const policy = createCorsPolicy((origin) => origin.endsWith('.example.com'));
    expect(policy.allowOrigin('https://a.example.com')).toBe('https://a.example.com');
    expect(policy.allowOrigin('https://example.org')).toBeUndefined();
    const truthy = createCorsPolicy((() => 'yes') as unknown as (origin: string) => boolean);
    expect(truthy.allowOrigin('https://a.example.com')).toBeUndefined();
  });

  it('compares a listed origin as the browser serialises it', () => {
    const policy = createCorsPolicy(['https://App.example.com:443/']);
    expect(policy.allowOrigin('https://app.example.com')).toBe('https://app.example.com');
  });

  it('refuses a malformed origins value at build time, naming the entries', () => {
    expect(() => createCorsPolicy('*' as unknown as string[])).toThrow(TypeError);
    expect(() => createCorsPolicy([1] as unknown as string[])).toThrow(TypeError);
    expect(() => createCorsPolicy(['*', 'https://app.example.com'])).toThrow(/cannot be combined/);
    expect(() => createCorsPolicy(['https://app.example.com/mcp', 'app.example.com'])).toThrow(
      'cors origins: not an origin (scheme://host[:port], no path): "https://app.example.com/mcp", "app.example.com"',
    );
  });
});

describe('corsPolicyFor', () => {
  it('false is off; true and unset use the configured origins; { origins } overrides them', () => {
    const config = defineConfig({ corsOrigins: ['https://app.example.com'] });
    expect(corsPolicyFor(false, config)).toBeUndefined();
    expect(corsPolicyFor(undefined, config)?.allowOrigin('https://app.example.com')).toBe('https://app.example.com');
    expect(corsPolicyFor(true, config)?.allowOrigin('https://other.example.com')).toBeUndefined();
    const overridden = corsPolicyFor({ origins: ['https://other.example.com'] }, config);
    expect(overridden?.allowOrigin('https://other.example.com')).toBe('https://other.example.com');
    expect(() => corsPolicyFor('yes' as unknown as boolean, config)).toThrow(TypeError);
  });
});

describe('MCP_CORS_ORIGINS', () => {
  it('defaults to any origin', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['*']);
    expect(loadConfig({ MCP_CORS_ORIGINS: ' * ' }).corsOrigins).toEqual(['*']);
  });

  it('takes origins as a browser serialises them', () => {
    expect(
      loadConfig({
        MCP_CORS_ORIGINS: 'https://App.Example.com:443, http://localhost:6274/ ,chrome-extension://AbCd',
      }).corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:6274', 'chrome-extension://abcd']);
  });

  it('lists every entry that is not an origin, by variable name', () => {
    expect(() => loadConfig({ MCP_CORS_ORIGINS: 'https://app.example.com/path, app.example.com, *' })).toThrow(
      /MCP_CORS_ORIGINS/,
    );
    let message = '';
    try {
      loadConfig({ MCP_CORS_ORIGINS: 'https://app.example.com/path, app.example.com, *' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('(3 problems)');
    expect(message).toContain('MCP_CORS_ORIGINS: "https://app.example.com/path" is not an origin');
    expect(message).toContain('MCP_CORS_ORIGINS: "app.example.com" is not an origin');
    expect(message).toContain('MCP_CORS_ORIGINS: "*" (any origin) cannot be combined with origins');
    expect(() => defineConfig({ corsOrigins: ['*', 'https://app.example.com'] })).toThrow(
      /corsOrigins.*cannot be combined/s,
    );
  });
});

describe('CORS_PREFLIGHT_HEADERS and the response helpers', () => {
  it('the static preflight answer names the standard headers for any origin', () => {
    expect(CORS_PREFLIGHT_HEADERS['Access-Control-Allow-Origin']).toBe('*');
    expect(CORS_PREFLIGHT_HEADERS['Access-Control-Allow-Headers']).toBe(STANDARD);
  });

  it('mergeExposedHeaders keeps the application entries', () => {
    expect(mergeExposedHeaders('X-Request-Id, www-authenticate')).toBe(
      'X-Request-Id, www-authenticate, Retry-After, DPoP-Nonce, Mcp-Session-Id, Mcp-Protocol-Version',
    );
    expect(mergeExposedHeaders('*')).toBe('*');
  });

  it('varyOnOrigin adds Origin once', () => {
    expect(varyOnOrigin(undefined)).toBe('Origin');
    expect(varyOnOrigin('Accept-Encoding')).toBe('Accept-Encoding, Origin');
    expect(varyOnOrigin('accept-encoding, origin')).toBe('accept-encoding, origin');
    expect(varyOnOrigin('*')).toBe('*');
  });
});
