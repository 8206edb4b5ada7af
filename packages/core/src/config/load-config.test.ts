import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, isConfigError } from '../errors/config-error.js';
import { CONFIG_ENV_VARIABLES } from './config-schema.js';
import { expectedAudiences } from './expected-audiences.js';
import { defineConfig, loadConfig } from './load-config.js';

const SECRET = 'a-very-long-shared-secret-of-at-least-32-bytes!';
let spkiPem: string;
let publicJwk: Record<string, unknown>;
let privateJwk: Record<string, unknown>;
let dir: string;
const certPem = readFileSync(new URL('../__fixtures__/x509-test-cert.pem', import.meta.url), 'utf8');

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  spkiPem = await exportSPKI(publicKey);
  publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  privateJwk = await exportJWK(privateKey);
  dir = mkdtempSync(join(tmpdir(), 'mcp-warden-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issuesOf(fn: () => unknown): { variable: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

function variablesOf(fn: () => unknown): string[] {
  return issuesOf(fn).map((issue) => issue.variable);
}

describe('loadConfig defaults (docs/compatibility.md)', () => {
  it('applies every documented default from an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      authEnabled: true,
      authRequired: false,
      apiKeyEnabled: true,
      apiKeys: [],
      basicAuthUsers: [],
      jwtEnabled: true,
      jwtAlgorithms: ['RS256'],
      jwtAudience: [],
      jwtClockTolerance: 5,
      jwtRequireAtJwtType: false,
      jwtEngine: 'auto',
      resourceUrl: 'http://localhost:8000/mcp',
      requiredScopes: [],
      scopesSupported: [],
      toolScopes: {},
      corsOrigins: ['*'],
      allowInsecureHttp: false,
      tokenCacheMaxEntries: 10_000,
      jwksRefreshCooldown: 30,
      maxBodyBytes: 4 * 1024 * 1024,
      dpopEnabled: true,
      dpopRequired: false,
      dpopAlgorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      dpopIatWindow: 300,
      dpopNonces: false,
      jwtSecret: undefined,
      jwtPublicKey: undefined,
      jwtPublicKeyFile: undefined,
      jwtIssuer: undefined,
      oauthServerUrl: undefined,
      oauthAuthorizationEndpoint: undefined,
      oauthTokenEndpoint: undefined,
      oauthRegistrationEndpoint: undefined,
      oauthJwksUri: undefined,
      oauthIntrospectionEndpoint: undefined,
      oauthIntrospectionAuthMethod: 'client_secret_basic',
      oauthIntrospectionTimeout: 5,
      oauthIntrospectionCacheMaxAge: 60,
      oauthClientId: undefined,
      oauthClientSecret: undefined,
      provider: undefined,
      trustedIssuers: [],
      resourceName: undefined,
      resourceDocumentation: undefined,
    });
  });

  it('derives the expected audience from the resource URL', () => {
    const config = loadConfig({ MCP_RESOURCE_URL: 'http://localhost:3000/mcp' });
    expect(config).toMatchObject({ resourceUrl: 'http://localhost:3000/mcp', jwtAudience: [] });
    // A loopback resource is accepted under each of its spellings.
    expect(expectedAudiences(config)).toEqual([
      'http://localhost:3000/mcp',
      'http://127.0.0.1:3000/mcp',
      'http://[::1]:3000/mcp',
    ]);
    expect(expectedAudiences(loadConfig({ MCP_RESOURCE_URL: 'https://mcp.example.com/' }))).toEqual([
      'https://mcp.example.com/',
    ]);
  });

  it('the default audience follows a resource URL changed after loading', () => {
    const changed = defineConfig({ ...loadConfig({}), resourceUrl: 'https://mcp.example.com/mcp' });
    expect(changed.jwtAudience).toEqual([]);
    expect(expectedAudiences(changed)).toEqual(['https://mcp.example.com/mcp']);
    const explicit = defineConfig({
      ...loadConfig({ MCP_JWT_AUDIENCE: 'api://mcp' }),
      resourceUrl: 'https://x.example/mcp',
    });
    expect(expectedAudiences(explicit)).toEqual(['api://mcp']);
  });

  it('has an environment variable for every option', () => {
    expect(Object.keys(CONFIG_ENV_VARIABLES).sort()).toEqual(Object.keys(loadConfig({})).sort());
  });
});

describe('loadConfig() without an argument', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it('reads process.env on Node.js', () => {
    vi.stubEnv('MCP_API_KEYS', 'from-process-env');
    expect(loadConfig().apiKeys).toEqual(['from-process-env']);
  });

  it('refuses where there is no process.env, rather than serve the defaults (optional authentication)', () => {
    vi.stubGlobal('process', undefined);
    const problems = issuesOf(() => loadConfig());
    vi.unstubAllGlobals();
    expect(problems).toEqual([{ variable: 'env', message: expect.stringContaining('loadConfig(env)') }]);
  });

  it('refuses on Cloudflare Workers, where process.env depends on compatibility flags', () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    expect(issuesOf(() => loadConfig())).toEqual([
      { variable: 'env', message: expect.stringContaining("pass the Worker's bindings, loadConfig(env)") },
    ]);
    // An environment passed explicitly is read as anywhere else.
    expect(loadConfig({ MCP_API_KEYS: 'k' }).apiKeys).toEqual(['k']);
  });
});

describe('loadConfig parsing', () => {
  it('reads the Auth0 example of docs/compatibility.md exactly', () => {
    const config = loadConfig({
      MCP_AUTH_ENABLED: 'true',
      MCP_AUTH_REQUIRED: 'true',
      MCP_JWT_ENABLED: 'true',
      MCP_JWT_ALGORITHM: 'RS256',
      MCP_JWT_AUDIENCE: 'https://your-mcp-server.example.com',
      MCP_JWT_ISSUER: 'https://your-tenant.auth0.com/',
      MCP_OAUTH_SERVER_URL: 'https://your-tenant.auth0.com',
      MCP_OAUTH_JWKS_URI: 'https://your-tenant.auth0.com/.well-known/jwks.json',
    });
    expect(config).toMatchObject({
      authRequired: true,
      jwtAudience: ['https://your-mcp-server.example.com'],
      jwtIssuer: 'https://your-tenant.auth0.com/',
      oauthServerUrl: 'https://your-tenant.auth0.com',
      oauthJwksUri: 'https://your-tenant.auth0.com/.well-known/jwks.json',
    });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    [' Yes ', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('accepts the boolean word %j', (word, expected) => {
    expect(loadConfig({ MCP_AUTH_REQUIRED: word }).authRequired).toBe(expected);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ MCP_AUTH_ENABLED: '', MCP_JWT_ALGORITHM: '  ', MCP_RESOURCE_URL: ' ' })).toMatchObject({
      authEnabled: true,
      jwtAlgorithms: ['RS256'],
      resourceUrl: 'http://localhost:8000/mcp',
    });
  });

  it('splits comma lists with spaces around items, and scopes on commas or spaces', () => {
    const config = loadConfig({
      MCP_API_KEYS: ' dev-key-123 , other-key ,',
      MCP_JWT_ALGORITHM: 'rs256, ES256 ,EdDSA',
      MCP_JWT_AUDIENCE: 'https://a.example.com, api://b',
      MCP_REQUIRED_SCOPES: 'mcp:read mcp:write,  profile',
      MCP_SCOPES_SUPPORTED: 'mcp:read,mcp:write',
    });
    expect(config.apiKeys).toEqual(['dev-key-123', 'other-key']);
    expect(config.jwtAlgorithms).toEqual(['RS256', 'ES256', 'EdDSA']);
    expect(config.jwtAudience).toEqual(['https://a.example.com', 'api://b']);
    expect(config.requiredScopes).toEqual(['mcp:read', 'mcp:write', 'profile']);
    expect(config.scopesSupported).toEqual(['mcp:read', 'mcp:write']);
  });

  it('parses MCP_TOOL_SCOPES into a tool → scopes map (docs/requirements.md, "Step-up for tools")', () => {
    const config = loadConfig({ MCP_TOOL_SCOPES: 'delete_file=files:write admin;search = files:read ;' });
    expect({ ...config.toolScopes }).toEqual({ delete_file: ['files:write', 'admin'], search: ['files:read'] });
    expect(config.toolScopes.constructor).toBeUndefined();
  });

  it('keeps an issuer and a resource URL exactly as written (trailing slash kept)', () => {
    const config = loadConfig({
      MCP_JWT_ISSUER: 'https://tenant.auth0.com/',
      MCP_RESOURCE_URL: 'https://mcp.example.com',
    });
    expect(config.jwtIssuer).toBe('https://tenant.auth0.com/');
    expect(config.resourceUrl).toBe('https://mcp.example.com');
  });

  it('accepts an SPKI PEM with literal \\n sequences (one-line env value)', () => {
    const oneLine = spkiPem.trim().replace(/\n/g, '\\n');
    expect(loadConfig({ MCP_JWT_PUBLIC_KEY: oneLine }).jwtPublicKey).toBe(oneLine);
  });

  it('accepts an X.509 certificate PEM, a JWK and a JWKS', () => {
    expect(() => loadConfig({ MCP_JWT_PUBLIC_KEY: certPem })).not.toThrow();
    expect(() => loadConfig({ MCP_JWT_PUBLIC_KEY: JSON.stringify(publicJwk) })).not.toThrow();
    expect(() => loadConfig({ MCP_JWT_PUBLIC_KEY: JSON.stringify({ keys: [publicJwk] }) })).not.toThrow();
  });

  it('reads a key file', () => {
    const path = join(dir, 'key.pem');
    writeFileSync(path, spkiPem);
    expect(loadConfig({ MCP_JWT_PUBLIC_KEY_FILE: path }).jwtPublicKeyFile).toBe(path);
  });

  it('allows http URLs on loopback, and elsewhere only with MCP_ALLOW_INSECURE_HTTP', () => {
    expect(() =>
      loadConfig({ MCP_JWT_ISSUER: 'http://127.0.0.1:9000', MCP_OAUTH_JWKS_URI: 'http://[::1]/j' }),
    ).not.toThrow();
    expect(() => loadConfig({ MCP_JWT_ISSUER: 'http://auth.internal', MCP_ALLOW_INSECURE_HTTP: 'true' })).not.toThrow();
  });

  it('parses numbers and enums', () => {
    expect(
      loadConfig({
        MCP_JWT_CLOCK_TOLERANCE: '30',
        MCP_TOKEN_CACHE_MAX_ENTRIES: '0',
        MCP_OAUTH_INTROSPECTION_AUTH_METHOD: 'Client_Secret_Post',
        MCP_OAUTH_CLIENT_ID: 'client',
      }),
    ).toMatchObject({
      jwtClockTolerance: 30,
      tokenCacheMaxEntries: 0,
      oauthIntrospectionAuthMethod: 'client_secret_post',
    });
  });
});

describe('loadConfig rejects bad input, naming every variable at once', () => {
  it('reports every problem in one error', () => {
    const issues = issuesOf(() =>
      loadConfig({
        MCP_AUTH_ENABLED: 'maybe',
        MCP_AUTH_REQUIRED: 'sure',
        MCP_OAUTH_JWKS_URI: 'not a url',
        MCP_JWT_CLOCK_TOLERANCE: '-1',
        MCP_OAUTH_INTROSPECTION_AUTH_METHOD: 'loud',
      }),
    );
    expect(issues.map((i) => i.variable)).toEqual([
      'MCP_AUTH_ENABLED',
      'MCP_AUTH_REQUIRED',
      'MCP_JWT_CLOCK_TOLERANCE',
      'MCP_OAUTH_JWKS_URI',
      'MCP_OAUTH_INTROSPECTION_AUTH_METHOD',
    ]);
    expect(issues[0]!.message).toContain('true/false');
  });

  it('lists the problems in the error message', () => {
    try {
      loadConfig({ MCP_AUTH_ENABLED: 'maybe', MCP_JWT_ENABLED: 'perhaps' });
    } catch (error) {
      expect((error as Error).message).toMatch(/2 problems[\s\S]*MCP_AUTH_ENABLED[\s\S]*MCP_JWT_ENABLED/);
    }
    expect.assertions(1);
  });

  it('unknown boolean words', () => {
    expect(variablesOf(() => loadConfig({ MCP_API_KEY_ENABLED: 'enabled', MCP_JWT_ENABLED: 'auto' }))).toEqual([
      'MCP_API_KEY_ENABLED',
      'MCP_JWT_ENABLED',
    ]);
  });

  it('malformed URLs', () => {
    expect(
      variablesOf(() =>
        loadConfig({
          MCP_JWT_ISSUER: 'tenant.auth0.com',
          MCP_OAUTH_TOKEN_ENDPOINT: 'ftp://x.example.com/token',
          MCP_RESOURCE_URL: 'https://mcp.example.com/mcp#frag',
        }),
      ),
    ).toEqual(['MCP_JWT_ISSUER', 'MCP_OAUTH_TOKEN_ENDPOINT', 'MCP_RESOURCE_URL']);
  });

  it('a non-HTTPS issuer, JWKS, resource or introspection URL outside loopback', () => {
    const issues = issuesOf(() =>
      loadConfig({
        MCP_JWT_ISSUER: 'http://auth.example.com',
        MCP_OAUTH_JWKS_URI: 'http://auth.example.com/jwks',
        MCP_RESOURCE_URL: 'http://mcp.example.com/mcp',
        MCP_OAUTH_INTROSPECTION_ENDPOINT: 'http://auth.example.com/introspect',
      }),
    );
    expect(issues.map((i) => i.variable)).toEqual([
      'MCP_JWT_ISSUER',
      'MCP_OAUTH_JWKS_URI',
      'MCP_RESOURCE_URL',
      'MCP_OAUTH_INTROSPECTION_ENDPOINT',
    ]);
    expect(issues[0]!.message).toContain('MCP_ALLOW_INSECURE_HTTP=true');
  });

  it('an HS secret shorter than 32 bytes, without echoing it', () => {
    const issues = issuesOf(() => loadConfig({ MCP_JWT_ALGORITHM: 'HS256', MCP_JWT_SECRET: 'short-secret' }));
    expect(issues).toEqual([{ variable: 'MCP_JWT_SECRET', message: expect.stringContaining('at least 32') }]);
    expect(JSON.stringify(issues)).not.toContain('short-secret');
  });

  it('an HS512 secret shorter than 64 bytes (RFC 7518 §3.2)', () => {
    expect(variablesOf(() => loadConfig({ MCP_JWT_ALGORITHM: 'HS512', MCP_JWT_SECRET: SECRET }))).toEqual([
      'MCP_JWT_SECRET',
    ]);
  });

  it('an HS algorithm together with a JWKS URI or a public key (RFC 8725 §3.1 algorithm confusion)', () => {
    expect(
      variablesOf(() =>
        loadConfig({
          MCP_JWT_ALGORITHM: 'HS256',
          MCP_JWT_SECRET: SECRET,
          MCP_OAUTH_JWKS_URI: 'https://auth.example.com/jwks',
        }),
      ),
    ).toEqual(['MCP_JWT_ALGORITHM']);
    expect(
      variablesOf(() =>
        loadConfig({ MCP_JWT_ALGORITHM: 'RS256,HS256', MCP_JWT_SECRET: SECRET, MCP_JWT_PUBLIC_KEY: spkiPem }),
      ),
    ).toEqual(['MCP_JWT_ALGORITHM']);
  });

  it('an asymmetric algorithm with only a secret', () => {
    const issues = issuesOf(() => loadConfig({ MCP_JWT_SECRET: SECRET }));
    expect(issues).toEqual([
      { variable: 'MCP_JWT_ALGORITHM', message: expect.stringContaining('MCP_JWT_ALGORITHM=HS256') },
    ]);
  });

  it('an HS algorithm without a secret', () => {
    expect(variablesOf(() => loadConfig({ MCP_JWT_ALGORITHM: 'HS256' }))).toEqual(['MCP_JWT_SECRET']);
  });

  it('"none" and unknown algorithms', () => {
    const issues = issuesOf(() => loadConfig({ MCP_JWT_ALGORITHM: 'none,RS257' }));
    expect(issues.map((i) => i.variable)).toEqual(['MCP_JWT_ALGORITHM', 'MCP_JWT_ALGORITHM']);
    expect(issues[0]!.message).toContain('never allowed');
  });

  it('MCP_AUTH_REQUIRED=true with every method disabled', () => {
    const issues = issuesOf(() =>
      loadConfig({ MCP_AUTH_REQUIRED: 'true', MCP_API_KEY_ENABLED: 'false', MCP_JWT_ENABLED: 'false' }),
    );
    expect(issues).toEqual([
      { variable: 'MCP_AUTH_REQUIRED', message: expect.stringContaining('MCP_AUTH_ENABLED=false') },
    ]);
  });

  it('an unreadable MCP_JWT_PUBLIC_KEY_FILE', () => {
    const issues = issuesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY_FILE: join(dir, 'missing.pem') }));
    expect(issues).toEqual([{ variable: 'MCP_JWT_PUBLIC_KEY_FILE', message: expect.stringContaining('no such file') }]);
    expect(variablesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY_FILE: dir }))).toEqual(['MCP_JWT_PUBLIC_KEY_FILE']);
  });

  it('a PEM that does not parse, inline or in a file, without echoing it', () => {
    const broken = spkiPem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    const truncated = `${spkiPem.split('\n').slice(0, 3).join('\n')}\n-----END PUBLIC KEY-----`;
    const path = join(dir, 'broken.pem');
    writeFileSync(path, truncated);
    const issues = issuesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY: broken }));
    expect(issues.map((i) => i.variable)).toEqual(['MCP_JWT_PUBLIC_KEY']);
    expect(variablesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY_FILE: path }))).toEqual(['MCP_JWT_PUBLIC_KEY_FILE']);
    expect(variablesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY: 'ssh-rsa AAAAB3Nza' }))).toEqual(['MCP_JWT_PUBLIC_KEY']);
    expect(JSON.stringify(issues)).not.toContain(spkiPem.split('\n')[1]!.slice(0, 20));
  });

  it('private key material and PKCS#1 keys', () => {
    const pkcs8 = '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBg==\n-----END PRIVATE KEY-----';
    expect(issuesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY: pkcs8 }))[0]!.message).toContain('private key');
    expect(issuesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY: JSON.stringify(privateJwk) }))[0]!.message).toContain(
      'private key material',
    );
    const pkcs1 = '-----BEGIN RSA PUBLIC KEY-----\nMAoCAwEAAQIDAQAB\n-----END RSA PUBLIC KEY-----';
    expect(issuesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY: pkcs1 }))[0]!.message).toContain('PKCS#1');
  });

  it('both an inline key and a key file', () => {
    const path = join(dir, 'both.pem');
    writeFileSync(path, spkiPem);
    expect(variablesOf(() => loadConfig({ MCP_JWT_PUBLIC_KEY: spkiPem, MCP_JWT_PUBLIC_KEY_FILE: path }))).toEqual([
      'MCP_JWT_PUBLIC_KEY_FILE',
    ]);
  });

  it('malformed sha256 API key entries, numbers and tool scopes', () => {
    expect(
      variablesOf(() =>
        loadConfig({
          MCP_API_KEYS: 'sha256:abc',
          MCP_JWT_CLOCK_TOLERANCE: '-1',
          MCP_TOKEN_CACHE_MAX_ENTRIES: '1.5',
          MCP_TOOL_SCOPES: 'delete_file;=x;search=',
        }),
      ),
    ).toEqual([
      'MCP_JWT_CLOCK_TOLERANCE',
      'MCP_TOOL_SCOPES',
      'MCP_TOOL_SCOPES',
      'MCP_TOOL_SCOPES',
      'MCP_TOKEN_CACHE_MAX_ENTRIES',
      'MCP_API_KEYS',
    ]);
  });
});

describe('defineConfig', () => {
  it('takes typed options with the same schema and defaults', () => {
    const config = defineConfig({
      authRequired: true,
      apiKeys: ['k1', 'k2'],
      jwtAlgorithms: ['ES256'],
      oauthJwksUri: 'https://auth.example.com/jwks',
      resourceUrl: 'https://mcp.example.com/mcp',
      toolScopes: { deploy: ['ops'] },
    });
    expect(config).toMatchObject({
      authEnabled: true,
      authRequired: true,
      apiKeys: ['k1', 'k2'],
      jwtAlgorithms: ['ES256'],
      jwtAudience: [],
      toolScopes: { deploy: ['ops'] },
      tokenCacheMaxEntries: 10_000,
    });
  });

  it('returns a resolved config as it is, without validating it again', () => {
    const config = loadConfig({ MCP_RESOURCE_URL: 'https://mcp.example.com/mcp', MCP_API_KEYS: 'a' });
    expect(defineConfig(config)).toBe(config);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.jwtAudience)).toBe(true);
  });

  it('validates a copy of a resolved config again: the copy is options', () => {
    const config = loadConfig({ MCP_API_KEYS: 'a' });
    const copy = defineConfig({ ...config, resourceUrl: 'https://mcp.example.com/mcp' });
    expect(copy).not.toBe(config);
    expect(copy.resourceUrl).toBe('https://mcp.example.com/mcp');
    expect(() => defineConfig({ ...config, resourceUrl: 'http://mcp.example.com/mcp' })).toThrow(/allowInsecureHttp/);
  });

  it('names options (not env variables) in its issues, and rejects unknown options', () => {
    expect(variablesOf(() => defineConfig({ authRequired: 'perhaps' as never, jwtSecrte: 'x' } as never))).toEqual([
      'jwtSecrte',
      'authRequired',
    ]);
    expect(variablesOf(() => defineConfig({ constructor: 'x' } as never))).toEqual(['constructor']);
    expect(issuesOf(() => defineConfig({ jwtIssuer: 'http://auth.example.com' }))[0]!.message).toContain(
      'allowInsecureHttp=true',
    );
  });

  it('refuses a non-object with a TypeError', () => {
    expect(() => defineConfig(null as never)).toThrow(TypeError);
  });
});

describe('MCP_JWKS_REFRESH_COOLDOWN', () => {
  it('defaults to 30 seconds and accepts a number of seconds', () => {
    expect(loadConfig({}).jwksRefreshCooldown).toBe(30);
    expect(loadConfig({ MCP_JWKS_REFRESH_COOLDOWN: '0.5' }).jwksRefreshCooldown).toBe(0.5);
  });

  it('refuses a negative or non-numeric value, naming the variable', () => {
    for (const value of ['-1', 'soon']) {
      expect(() => loadConfig({ MCP_JWKS_REFRESH_COOLDOWN: value })).toThrow(/MCP_JWKS_REFRESH_COOLDOWN/);
    }
  });
});

describe('MCP_MAX_BODY_BYTES', () => {
  it('defaults to 4 MiB', () => {
    expect(loadConfig({}).maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(loadConfig({ MCP_MAX_BODY_BYTES: '65536' })).toMatchObject({ maxBodyBytes: 65_536 });
  });

  it('refuses a size that is not an integer in range, naming the variable or option', () => {
    expect(variablesOf(() => loadConfig({ MCP_MAX_BODY_BYTES: '4mb' }))).toEqual(['MCP_MAX_BODY_BYTES']);
    expect(() => loadConfig({ MCP_MAX_BODY_BYTES: '1.5' })).toThrow(/MCP_MAX_BODY_BYTES: must be an integer/);
    expect(variablesOf(() => defineConfig({ maxBodyBytes: 0 }))).toEqual(['maxBodyBytes']);
  });
});

describe('URLs with credentials in them', () => {
  it('are refused where they are written: fetch() refuses every request to them', () => {
    const env = {
      MCP_JWT_ISSUER: 'https://user:pass@auth.example.com',
      MCP_OAUTH_INTROSPECTION_ENDPOINT: 'https://client:secret@auth.example.com/introspect',
      MCP_OAUTH_JWKS_URI: 'https://user@auth.example.com/jwks',
    };
    const issues = issuesOf(() => loadConfig(env));
    expect(issues.map((issue) => issue.variable)).toEqual(
      expect.arrayContaining(['MCP_JWT_ISSUER', 'MCP_OAUTH_INTROSPECTION_ENDPOINT', 'MCP_OAUTH_JWKS_URI']),
    );
    for (const issue of issues) {
      expect(issue.message).toContain('user:password@');
      expect(issue.message).not.toContain('secret');
      expect(issue.message).not.toContain('pass@auth');
    }
    expect(variablesOf(() => defineConfig({ oauthServerUrl: 'https://a:b@auth.example.com' }))).toEqual([
      'oauthServerUrl',
    ]);
  });
});

describe('DPoP settings (RFC 9449; docs/dpop.md)', () => {
  it('accepts DPoP by default, not required, with an asymmetric allowlist and a 300 s window', () => {
    expect(loadConfig({})).toMatchObject({
      dpopEnabled: true,
      dpopRequired: false,
      dpopAlgorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      dpopIatWindow: 300,
      dpopNonces: false,
    });
    expect(
      loadConfig({
        MCP_DPOP_REQUIRED: 'yes',
        MCP_DPOP_ALGORITHMS: 'es256, ps384 ,Ed25519',
        MCP_DPOP_IAT_WINDOW: '60',
        MCP_DPOP_NONCES: '1',
      }),
    ).toMatchObject({
      dpopRequired: true,
      dpopAlgorithms: ['ES256', 'PS384', 'Ed25519'],
      dpopIatWindow: 60,
      dpopNonces: true,
    });
  });

  it('refuses none, symmetric and unknown algorithms, naming the variable or option', () => {
    const issues = issuesOf(() => loadConfig({ MCP_DPOP_ALGORITHMS: 'ES256, HS256, none, XY999' }));
    expect(issues.map((issue) => issue.variable)).toEqual([
      'MCP_DPOP_ALGORITHMS',
      'MCP_DPOP_ALGORITHMS',
      'MCP_DPOP_ALGORITHMS',
    ]);
    expect(issues.map((issue) => issue.message).join('\n')).toMatch(/"none" is never allowed/);
    expect(issues.map((issue) => issue.message).join('\n')).toMatch(/"HS256" is symmetric/);
    expect(issues.map((issue) => issue.message).join('\n')).toMatch(/"XY999" is not a supported algorithm/);
    expect(variablesOf(() => defineConfig({ dpopAlgorithms: [] }))).toEqual(['dpopAlgorithms']);
    expect(variablesOf(() => defineConfig({ dpopAlgorithms: ['HS512'] }))).toEqual(['dpopAlgorithms']);
  });

  it('refuses a window out of range and bad booleans, every problem at once', () => {
    expect(
      variablesOf(() =>
        loadConfig({ MCP_DPOP_IAT_WINDOW: '0', MCP_DPOP_NONCES: 'sometimes', MCP_DPOP_REQUIRED: 'maybe' }),
      ),
    ).toEqual(['MCP_DPOP_REQUIRED', 'MCP_DPOP_IAT_WINDOW', 'MCP_DPOP_NONCES']);
    expect(() => loadConfig({ MCP_DPOP_IAT_WINDOW: '3601' })).toThrow(/MCP_DPOP_IAT_WINDOW: must be an integer/);
  });

  it('refuses requiring DPoP while it is turned off', () => {
    expect(variablesOf(() => loadConfig({ MCP_DPOP_ENABLED: 'false', MCP_DPOP_REQUIRED: 'true' }))).toEqual([
      'MCP_DPOP_REQUIRED',
    ]);
    expect(variablesOf(() => defineConfig({ dpopEnabled: false, dpopRequired: true }))).toEqual(['dpopRequired']);
  });
});
