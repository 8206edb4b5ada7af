import { describe, expect, it } from 'vitest';
import { protectedResourceMetadataPaths } from './well-known-paths.js';

describe('protectedResourceMetadataPaths (R1)', () => {
  it.each([
    ['https://h/mcp', ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']],
    ['https://h', ['/.well-known/oauth-protected-resource']],
    ['https://h/a/b', ['/.well-known/oauth-protected-resource/a/b', '/.well-known/oauth-protected-resource']],
  ])('%s', (resource, expected) => {
    expect(protectedResourceMetadataPaths(resource)).toEqual(expected);
  });
});
