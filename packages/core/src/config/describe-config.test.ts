import { exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { describeConfig } from './describe-config.js';
import { defineConfig, loadConfig } from './load-config.js';

const SECRET = 'a-very-long-shared-secret-of-at-least-32-bytes!';

describe('describeConfig (redacted for start-up logs)', () => {
  it('shows secrets as *** and never prints them', () => {
    const config = defineConfig({
      apiKeys: ['plain-key-1', 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
      jwtAlgorithms: ['HS256'],
      jwtSecret: SECRET,
      oauthClientId: 'client',
      oauthClientSecret: 'client-secret-value',
      oauthIntrospectionEndpoint: 'https://auth.example.com/introspect',
    });
    const described = describeConfig(config);
    const text = JSON.stringify(described);
    expect(described).toMatchObject({
      apiKeys: ['***', '***'],
      jwtSecret: '***',
      oauthClientSecret: '***',
      oauthClientId: 'client',
      jwtAlgorithms: ['HS256'],
    });
    for (const secret of ['plain-key-1', '9f86d081', SECRET, 'client-secret-value']) {
      expect(text).not.toContain(secret);
    }
  });

  it('shows a public key as its kind and a stable fingerprint', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const a = describeConfig(loadConfig({ MCP_JWT_PUBLIC_KEY: pem, MCP_JWT_ALGORITHM: 'ES256' }));
    const b = describeConfig(
      loadConfig({ MCP_JWT_PUBLIC_KEY: pem.trim().replace(/\n/g, '\\n'), MCP_JWT_ALGORITHM: 'ES256' }),
    );
    expect(a.jwtPublicKey).toMatch(/^SPKI PEM, fingerprint [0-9a-f]{8}$/);
    expect(b.jwtPublicKey).toBe(a.jwtPublicKey);
    expect(JSON.stringify(a)).not.toContain(pem.split('\n')[1]);
  });

  it('leaves unset options out and copies the rest', () => {
    const described = describeConfig(loadConfig({}));
    expect(described).not.toHaveProperty('jwtSecret');
    expect(described).toMatchObject({ authEnabled: true, resourceUrl: 'http://localhost:8000/mcp' });
  });
});

describe('describeConfig: the expected audience', () => {
  it('shows the audiences tokens must name, the default worked out from the resource URL', () => {
    expect(describeConfig(loadConfig({})).jwtAudience).toEqual([
      'http://localhost:8000/mcp',
      'http://127.0.0.1:8000/mcp',
      'http://[::1]:8000/mcp',
    ]);
    expect(describeConfig(defineConfig({ jwtAudience: ['api://mcp'] })).jwtAudience).toEqual(['api://mcp']);
  });
});
