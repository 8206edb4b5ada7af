import { describe, expect, it } from 'vitest';
import { buildWwwAuthenticate } from './www-authenticate.js';

const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('buildWwwAuthenticate (RFC 6750 §3, RFC 9728 §5.1; RFC 6750 §3.1)', () => {
  it('names only the metadata URL when the request had no credentials (RFC 6750 §3.1)', () => {
    expect(buildWwwAuthenticate({ resourceMetadata: PRM })).toBe(`Bearer resource_metadata="${PRM}"`);
  });

  it('adds every needed scope, space-separated', () => {
    expect(buildWwwAuthenticate({ resourceMetadata: PRM, scope: ['a', 'b'] })).toBe(
      `Bearer resource_metadata="${PRM}", scope="a b"`,
    );
    expect(buildWwwAuthenticate({ resourceMetadata: PRM, scope: [] })).toBe(`Bearer resource_metadata="${PRM}"`);
  });

  it('adds the error and its description', () => {
    expect(
      buildWwwAuthenticate({
        resourceMetadata: PRM,
        scope: ['files:write'],
        error: 'insufficient_scope',
        errorDescription: 'Insufficient scope',
      }),
    ).toBe(
      `Bearer resource_metadata="${PRM}", scope="files:write", error="insufficient_scope", error_description="Insufficient scope"`,
    );
  });

  it('escapes quotes and backslashes and removes CR/LF (no header injection)', () => {
    const header = buildWwwAuthenticate({
      resourceMetadata: 'https://h/"x\\y',
      error: 'invalid_token',
      errorDescription: 'bad\r\nSet-Cookie: a=b "quoted"',
    });
    expect(header).toBe(
      'Bearer resource_metadata="https://h/\\"x\\\\y", error="invalid_token", error_description="bad  Set-Cookie: a=b \\"quoted\\""',
    );
    expect(header).not.toMatch(/[\r\n]/);
  });
});
