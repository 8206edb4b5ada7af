import { describe, expect, it } from 'vitest';
import { credentialHeader } from './credential-header.js';

describe('credentialHeader', () => {
  it('finds a header whatever the case of its name, and answers null when absent', () => {
    const raw = ['Host', 'x', 'AUTHORIZATION', 'Bearer abc', 'x-api-key', 'k'];
    expect(credentialHeader(raw, 'authorization')).toBe('Bearer abc');
    expect(credentialHeader(raw, 'x-api-key')).toBe('k');
    expect(credentialHeader(raw, 'cookie')).toBeNull();
  });

  it('joins every copy, so two credentials reach the core as one malformed value (RFC 6750 §2.1)', () => {
    const raw = ['authorization', 'Bearer one', 'Accept', '*/*', 'Authorization', 'Bearer two'];
    expect(credentialHeader(raw, 'authorization')).toBe('Bearer one, Bearer two');
  });

  it('does not match a name that only shares a prefix', () => {
    expect(credentialHeader(['authorizationx', 'a', 'x-api-keys', 'b'], 'authorization')).toBeNull();
    expect(credentialHeader(['x-api-keys', 'b'], 'x-api-key')).toBeNull();
  });
});
