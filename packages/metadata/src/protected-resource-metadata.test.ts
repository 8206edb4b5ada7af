import { describe, expect, it } from 'vitest';
import { protectedResourceMetadata } from './protected-resource-metadata.js';

describe('protectedResourceMetadata (RFC 9728 §2)', () => {
  it.each([
    ['https://mcp.example.com/mcp'],
    ['https://mcp.example.com/mcp/'],
    ['https://mcp.example.com'],
    ['https://mcp.example.com/'],
    ['http://localhost:8000/mcp'],
  ])('keeps resource %s exactly as configured', (resource) => {
    const document = protectedResourceMetadata({ resource, authorizationServers: ['https://as.example.com'] });
    expect(document.resource).toBe(resource);
  });

  it('keeps each issuer string exactly, including the trailing slash Auth0 issues', () => {
    const document = protectedResourceMetadata({
      resource: 'https://mcp.example.com/mcp',
      authorizationServers: ['https://your-tenant.auth0.com/', 'https://accounts.google.com'],
    });
    expect(document.authorization_servers).toEqual(['https://your-tenant.auth0.com/', 'https://accounts.google.com']);
  });

  it('never advertises offline_access', () => {
    const document = protectedResourceMetadata({
      resource: 'https://mcp.example.com/mcp',
      authorizationServers: ['https://as.example.com'],
      scopesSupported: ['mcp:read', 'offline_access', 'mcp:write'],
    });
    expect(document.scopes_supported).toEqual(['mcp:read', 'mcp:write']);
  });

  it('produces the full document with every option', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://mcp.example.com/mcp',
        authorizationServers: ['https://as.example.com'],
        scopesSupported: ['mcp:read'],
        resourceName: 'Example MCP',
        resourceDocumentation: 'https://docs.example.com/mcp',
      }),
    ).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://as.example.com'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['mcp:read'],
      resource_name: 'Example MCP',
      resource_documentation: 'https://docs.example.com/mcp',
    });
  });

  it('leaves out what is not known', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://mcp.example.com/mcp',
        authorizationServers: [],
        scopesSupported: ['offline_access'],
      }),
    ).toEqual({ resource: 'https://mcp.example.com/mcp', bearer_methods_supported: ['header'] });
  });

  it.each([
    [{ resource: 'mcp.example.com/mcp', authorizationServers: [] }, /resource must be an absolute URL/],
    [{ resource: 'https://h/mcp#x', authorizationServers: [] }, /fragment/],
    [{ resource: 'https://h/mcp', authorizationServers: ['/issuer'] }, /authorizationServers entry/],
    [{ resource: 'https://h/mcp', authorizationServers: [], resourceDocumentation: 'docs' }, /resourceDocumentation/],
  ])('rejects misuse at call time: %j', (options, message) => {
    expect(() => protectedResourceMetadata(options)).toThrow(TypeError);
    expect(() => protectedResourceMetadata(options)).toThrow(message);
  });
});
