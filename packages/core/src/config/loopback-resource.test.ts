import { describe, expect, it } from 'vitest';
import { isLoopbackResource, resourceSpellings, resourceUrlForHost } from './loopback-resource.js';

describe('loopback resources', () => {
  it('spells a loopback resource on every loopback host, keeping path, query and trailing slash as written', () => {
    expect(resourceSpellings('http://127.0.0.1:8000/mcp/')).toEqual([
      'http://127.0.0.1:8000/mcp/',
      'http://localhost:8000/mcp/',
      'http://[::1]:8000/mcp/',
    ]);
    expect(resourceSpellings('http://[::1]:3000')).toEqual([
      'http://[::1]:3000',
      'http://localhost:3000',
      'http://127.0.0.1:3000',
    ]);
  });

  it('leaves any other resource alone', () => {
    for (const url of [
      'https://mcp.example.com/mcp',
      'http://127.0.0.2:8000/mcp',
      'http://localhost.evil.example/mcp',
    ]) {
      expect(isLoopbackResource(url)).toBe(false);
      expect(resourceSpellings(url)).toEqual([url]);
      expect(resourceUrlForHost(url, '127.0.0.1:8000')).toBe(url);
    }
  });

  it('picks the spelling of the Host header only for the same port', () => {
    const resource = 'http://localhost:8000/mcp';
    expect(resourceUrlForHost(resource, '127.0.0.1:8000')).toBe('http://127.0.0.1:8000/mcp');
    expect(resourceUrlForHost(resource, '[::1]:8000')).toBe('http://[::1]:8000/mcp');
    expect(resourceUrlForHost(resource, 'LOCALHOST:8000')).toBe(resource);
    for (const host of ['127.0.0.1:8001', '127.0.0.1', 'evil.example:8000', '', undefined, null]) {
      expect(resourceUrlForHost(resource, host)).toBe(resource);
    }
    expect(resourceUrlForHost('http://localhost/mcp', '127.0.0.1')).toBe('http://127.0.0.1/mcp');
  });
});
