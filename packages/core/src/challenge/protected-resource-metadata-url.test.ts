import { describe, expect, it } from 'vitest';
import { protectedResourceMetadataPaths, protectedResourceMetadataUrl } from './protected-resource-metadata-url.js';

const ROOT = '/.well-known/oauth-protected-resource';

describe('protectedResourceMetadataPaths (RFC 9728 §3.1)', () => {
  it.each([
    ['https://h/mcp', [`${ROOT}/mcp`, ROOT]],
    ['https://h/mcp/', [`${ROOT}/mcp`, ROOT]],
    ['https://h', [ROOT]],
    ['https://h/', [ROOT]],
    ['https://h/a/b', [`${ROOT}/a/b`, ROOT]],
    ['https://h/mcp?tenant=1', [`${ROOT}/mcp`, ROOT]],
    ['HTTPS://H.EXAMPLE.COM/mcp', [`${ROOT}/mcp`, ROOT]],
  ])('%s', (resource, expected) => {
    expect(protectedResourceMetadataPaths(resource)).toEqual(expected);
  });
});

describe('protectedResourceMetadataUrl (RFC 6750 §3, RFC 9728 §5.1)', () => {
  it.each([
    ['https://mcp.example.com/mcp', `https://mcp.example.com${ROOT}/mcp`],
    ['HTTPS://MCP.Example.com:8443/mcp', `https://mcp.example.com:8443${ROOT}/mcp`],
    ['http://localhost:8000', `http://localhost:8000${ROOT}`],
  ])('%s', (resource, expected) => {
    expect(protectedResourceMetadataUrl(resource)).toBe(expected);
  });
});
