// The Hono adapter with core and metadata, packed as users get them, on Bun, Deno and workerd
// (docs/deploying.md, "Bun, Deno and Cloudflare Workers"): each example of examples/ runs as
// written against a provider on loopback, then the Worker-only cases (a key set gone stale,
// loadConfig() without the environment) run on workerd.
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureWorkerBundle } from './bundle-size.js';
import { type PackedPackages, packPackages, repoRoot, scratchProject } from './packed-project.js';
import { RESOURCE, startProvider, type TestProvider } from './provider.js';
import { denoCheck, type RunningServer, readWranglerConfig, startBun, startDeno, startWorkerd } from './runtimes.js';

const API_KEY = 'runtime-test-api-key';
const PRM_PATH = '/.well-known/oauth-protected-resource/mcp';
const ASM_PATH = '/.well-known/oauth-authorization-server';

let packed: PackedPackages;
beforeAll(() => {
  packed = packPackages();
});
afterAll(() => packed?.close());

/** The configuration every example gets, as its users would set it (vars, secrets or the environment). */
function settings(provider: TestProvider): Record<string, string> {
  return {
    MCP_AUTH_REQUIRED: 'true',
    MCP_RESOURCE_URL: RESOURCE,
    MCP_JWT_ISSUER: provider.base,
    MCP_OAUTH_SERVER_URL: provider.base,
    MCP_API_KEYS: API_KEY,
  };
}

interface Target {
  name: string;
  start(provider: TestProvider): Promise<RunningServer>;
}

const example = (name: string) => scratchProject(packed, join(repoRoot, 'examples', name));

/** A Worker example under workerd with its wrangler.jsonc, or with the compatibility date changed. */
function workerdExample(compatibilityDate?: string): Target['start'] {
  return (provider) => {
    const project = example('hono-workers');
    const wrangler = readWranglerConfig(project);
    return startWorkerd(project, {
      entry: wrangler.main,
      compatibilityDate: compatibilityDate ?? wrangler.compatibility_date,
      compatibilityFlags: wrangler.compatibility_flags ?? [],
      bindings: { ...wrangler.vars, ...settings(provider) },
    });
  };
}

const targets: Target[] = [
  { name: 'Bun (examples/hono-bun)', start: (provider) => startBun(example('hono-bun'), settings(provider)) },
  {
    name: 'Deno (examples/hono-deno)',
    start(provider) {
      const project = example('hono-deno');
      denoCheck(project);
      return startDeno(project, settings(provider));
    },
  },
  { name: 'workerd (examples/hono-workers, its wrangler.jsonc: Node.js compatibility on)', start: workerdExample() },
  {
    // Before 2026-08-04 nodejs_compat was not the default: no `process`, no `node:` modules.
    name: 'workerd (examples/hono-workers, compatibility date 2025-09-01: no Node.js compatibility)',
    start: workerdExample('2025-09-01'),
  },
];

function post(server: RunningServer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  });
}

describe.each(targets)('$name', ({ start }) => {
  let provider: TestProvider;
  let server: RunningServer;
  beforeAll(async () => {
    provider = await startProvider();
    server = await start(provider);
  });
  afterAll(async () => {
    await server?.stop();
    await provider?.close();
  });

  it('concurrent first requests with tokens share one JWKS fetch', async () => {
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map(async (sub) =>
        post(server, { authorization: `Bearer ${await provider.mint({ sub })}` }),
      ),
    );
    expect(
      answers.map((answer) => answer.status),
      server.output(),
    ).toEqual([200, 200, 200, 200, 200]);
    expect(provider.fetched('/jwks')).toBe(1);
  });

  it('a JWT from the JWKS reaches the handler as the caller', async () => {
    const answer = await post(server, { authorization: `Bearer ${await provider.mint({ sub: 'carol' })}` });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ clientId: 'carol', subject: 'carol', scopes: ['mcp:tools'] });
  });

  it('a request without credentials gets the 401 challenge naming the metadata (RFC 9728 §5.1)', async () => {
    const answer = await post(server);
    expect(answer.status).toBe(401);
    // Bearer first, then DPoP (RFC 9449 §7.1): a JWT issuer is configured, so DPoP is accepted.
    const metadataUrl = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${metadataUrl}", DPoP algs="ES256 EdDSA RS256 PS256", resource_metadata="${metadataUrl}"`,
    );
    expect(answer.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('DPoP: a bound token with a fresh proof passes, the same proof again is refused (RFC 9449 §4.3, §11.1)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const token = await provider.mint({ sub: 'dana', cnf: { jkt: await calculateJwkThumbprint(jwk) } });
    const proof = await new SignJWT({
      jti: randomUUID(),
      htm: 'POST',
      htu: RESOURCE,
      iat: Math.floor(Date.now() / 1000),
      ath: base64url.encode(createHash('sha256').update(token).digest()),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
    const headers = { authorization: `DPoP ${token}`, dpop: proof };
    const first = await post(server, headers);
    expect(first.status, server.output()).toBe(200);
    expect(await first.json()).toMatchObject({ clientId: 'dana', subject: 'dana' });
    const replay = await post(server, headers);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof has already been used',
    });
    // The bound token without its proof is refused.
    expect((await post(server, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('API keys: the configured one passes, another is refused', async () => {
    const good = await post(server, { 'x-api-key': API_KEY });
    expect(good.status).toBe(200);
    expect((await good.json()).clientId).toBe('api_key:1');
    const bad = await post(server, { 'x-api-key': 'not-the-key' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('a token for another audience is refused (RFC 8707 §2)', async () => {
    const answer = await post(server, {
      authorization: `Bearer ${await provider.mint({ aud: 'https://other.example.com/mcp' })}`,
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid token audience' });
  });

  it('an expired token is refused', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const answer = await post(server, {
      authorization: `Bearer ${await provider.mint({ iat: past - 60, exp: past })}`,
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: 'invalid_token', error_description: 'Token has expired' });
  });

  it('serves the protected-resource metadata, and mirrors the provider’s authorization-server metadata', async () => {
    const prm = await fetch(`${server.url}${PRM_PATH}`);
    expect(prm.status).toBe(200);
    expect(await prm.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: [provider.base],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'],
    });
    // Fetched on this first request for it (never at construction), and awaited by it.
    expect(provider.fetched('/.well-known/openid-configuration')).toBeGreaterThanOrEqual(1);
    const asm = await fetch(`${server.url}${ASM_PATH}`);
    expect(asm.status).toBe(200);
    expect(await asm.json()).toEqual(provider.document);
  });

  it('answers a CORS preflight before authentication', async () => {
    const answer = await fetch(`${server.url}/mcp`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://inspector.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, mcp-protocol-version',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });
});

describe('workerd: what only a Worker can break', () => {
  const fixtures = () => scratchProject(packed, join(repoRoot, 'packages/runtime-tests/src/fixtures'));

  describe('without Node.js compatibility (no_nodejs_compat)', () => {
    let provider: TestProvider;
    let server: RunningServer;
    beforeAll(async () => {
      provider = await startProvider();
      server = await startWorkerd(fixtures(), {
        entry: 'stale-keys-worker.ts',
        compatibilityDate: readWranglerConfig(join(repoRoot, 'examples/hono-workers')).compatibility_date,
        compatibilityFlags: ['no_nodejs_compat'],
        bindings: settings(provider),
      });
    });
    afterAll(async () => {
      await server?.stop();
      await provider?.close();
    });

    it('follows a key rotation once the key set went stale: the background refresh outlives its request', async () => {
      const bearer = async (sub: string, kid: string) => ({
        authorization: `Bearer ${await provider.mint({ sub }, kid)}`,
      });
      expect((await post(server, await bearer('before', 'k1'))).status, server.output()).toBe(200);
      provider.publish('k1', 'k2'); // the provider rotates: k2 is new
      await new Promise((resolve) => setTimeout(resolve, 2200)); // past the 2 s maximum age
      // Stale: answered with the keys in hand; the refresh it starts goes to waitUntil.
      expect((await post(server, await bearer('stale', 'k1'))).status).toBe(200);
      // Dropped with its request, that refresh would never settle: k2 would hang, then 401.
      const rotated = await post(server, await bearer('after', 'k2'));
      expect(rotated.status, server.output()).toBe(200);
      expect(await rotated.json()).toEqual({ subject: 'after' });
      expect(provider.fetched('/jwks')).toBe(2);
    });

    it('loadConfig() without the environment refuses, where process.env exists but is empty', async () => {
      const answer = await (await fetch(`${server.url}/load-config-without-env`)).json();
      expect(answer).toMatchObject({ refused: true, name: 'ConfigError' });
      expect(answer.message).toContain("pass the Worker's bindings, loadConfig(env)");
    });
  });

  it('loadConfig() without the environment refuses, where there is no process at all', async () => {
    const provider = await startProvider();
    const server = await startWorkerd(fixtures(), {
      entry: 'stale-keys-worker.ts',
      compatibilityDate: '2025-09-01',
      compatibilityFlags: [],
      bindings: settings(provider),
    });
    try {
      const answer = await (await fetch(`${server.url}/load-config-without-env`)).json();
      expect(answer).toMatchObject({ refused: true, name: 'ConfigError' });
      expect(answer.message).toContain('loadConfig(env)');
    } finally {
      await server.stop();
      await provider.close();
    }
  });
});

/**
 * The minified and gzipped size of examples/hono-workers: 135,457 bytes (132 KiB) when last
 * recorded (packages/hono/README.md, "Bundle size"), plus about 10% headroom for small changes.
 * A change that needs more raises it on purpose, with the new figure in that README.
 */
const WORKER_GZIPPED_BUDGET_BYTES = 150 * 1024;

describe('bundle size of a minimal Worker', () => {
  it(`stays within ${WORKER_GZIPPED_BUDGET_BYTES} bytes minified and gzipped`, async () => {
    const size = await measureWorkerBundle(example('hono-workers'), 'src/index.ts');
    console.log(`examples/hono-workers: ${JSON.stringify(size)}`);
    expect(size.gzipped).toBeLessThanOrEqual(WORKER_GZIPPED_BUDGET_BYTES);
  });
});
