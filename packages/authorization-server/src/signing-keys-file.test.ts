import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuthorizationServer } from './authorization-server.js';
import { loadAuthorizationServerSettings } from './settings.js';
import { loadOrCreateSigningKeys, SigningKeysFileError } from './signing-keys-file.js';

const ISSUER = 'http://localhost:18080';

async function jwks(server: Awaited<ReturnType<typeof createAuthorizationServer>>): Promise<string[]> {
  // The JWKS as clients fetch it, through the server's own request handler.
  const { createServer } = await import('node:http');
  const http = createServer((req, res) => server.handle(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = http.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/oauth/jwks`);
    return ((await response.json()) as { keys: { kid: string; d?: string }[] }).keys.map((key) => {
      expect(key.d).toBeUndefined();
      return key.kid;
    });
  } finally {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}

/** Options of a GitHub-backed server open to everyone, its keys in `keysFile` when given. */
function serverOptions(keysFile?: string) {
  const { settings } = loadAuthorizationServerSettings({
    MCP_UPSTREAM_PROVIDER: 'github',
    MCP_UPSTREAM_CLIENT_ID: 'id',
    MCP_UPSTREAM_CLIENT_SECRET: 'secret',
    MCP_ALLOWED_USERS: '*',
    ...(keysFile === undefined ? {} : { MCP_AUTH_SERVER_KEYS_FILE: keysFile }),
  });
  return { issuer: ISSUER, resources: [`${ISSUER}/mcp`], scopes: ['mcp:tools'], settings: settings! };
}

describe('signing keys file', () => {
  it('is created on first start, reused by the next instance, and rotated without dropping the old key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-keys-'));
    const file = join(dir, 'signing-keys.json');
    const options = serverOptions(file);

    const first = await createAuthorizationServer(options);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [created] = await jwks(first);
    const second = await createAuthorizationServer(options);
    expect(await jwks(second)).toEqual([created]);

    await second.rotateKeys();
    const rotated = await jwks(second);
    expect(rotated).toHaveLength(2);
    expect(rotated[1]).toBe(created);
    const third = await createAuthorizationServer(options);
    expect(await jwks(third)).toEqual(rotated);
  });

  it('publicJwks() of an instance sharing the file includes the key another instance rotated in', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'as-keys-')), 'signing-keys.json');
    const options = serverOptions(file);
    const a = await createAuthorizationServer(options);
    const b = await createAuthorizationServer(options);
    const [original] = await jwks(b);
    await a.rotateKeys();
    const [rotatedIn] = await jwks(a);
    expect(rotatedIn).not.toBe(original);
    expect(b.publicJwks().keys.map((key) => key.kid)).toEqual([original, rotatedIn]);
    // A file that turns unreadable leaves the keys in memory.
    writeFileSync(file, 'not json');
    expect(b.publicJwks().keys.map((key) => key.kid)).toEqual([original]);
  });

  it('publicJwks() is exactly what the JWKS endpoint serves, public members only, after a rotation too', async () => {
    const server = await createAuthorizationServer(serverOptions());
    await server.rotateKeys();
    const { keys } = server.publicJwks();
    expect(keys.map((key) => key.kid)).toEqual(await jwks(server));
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('refuses a file that is not a private key set, naming the file and no key material', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: 'public-only', e: 'AQAB' }] }));
    await expect(loadOrCreateSigningKeys(file)).rejects.toThrow(SigningKeysFileError);
    await expect(loadOrCreateSigningKeys(file)).rejects.toThrow(file);
    writeFileSync(file, 'not json');
    await expect(loadOrCreateSigningKeys(file)).rejects.toThrow(/is not JSON/);
    expect(readFileSync(file, 'utf8')).toBe('not json');
  });
});
