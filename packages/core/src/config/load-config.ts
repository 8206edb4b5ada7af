/**
 * Turns environment variables (`loadConfig`) or programmatic options (`defineConfig`) into a
 * {@link WardenConfig}: the schema's field parsing, the defaults that depend on other fields, and
 * the cross-field rules that make a configuration unusable or unsafe. Every problem is collected
 * into one {@link ConfigError} so a deployment is fixed in one round trip.
 *
 * @module
 */

import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { insecureUrlProblem, isSecureEnoughUrl } from '../http/secure-url.js';
import { isSymmetricAlgorithm, minimumSecretBytes } from '../jwt/jwt-algorithms.js';
import { KeyMaterialError, parseKeyMaterial } from '../jwt/key-material.js';
import { KeyFileError, readKeyFile } from '../jwt/read-key-file.js';
import { checkIntrospectionConfig } from './check-introspection-config.js';
import {
  CONFIG_ENV_VARIABLES,
  DEFAULT_RESOURCE_URL,
  DISCOVER_INTROSPECTION_ENDPOINT,
  type WardenConfig,
  type WardenOptions,
  wardenConfigSchema,
} from './config-schema.js';
import { resolveIssuers } from './resolve-issuers.js';
import { parseTrustedIssuers } from './trusted-issuers.js';

type ConfigKey = keyof WardenConfig;
type Naming = 'env' | 'option';
/** What the schema's fields produce: every option with its own default, nothing derived yet. */
type ParsedFields = z.output<typeof wardenConfigSchema>;

const CONFIG_KEYS = Object.keys(CONFIG_ENV_VARIABLES) as ConfigKey[];

/** URLs that must be https unless on loopback or `allowInsecureHttp`. */
const HTTPS_ONLY: readonly ConfigKey[] = [
  'jwtIssuer',
  'oauthJwksUri',
  'resourceUrl',
  'oauthIntrospectionEndpoint',
  'oauthServerUrl',
  'oauthAuthorizationEndpoint',
  'oauthTokenEndpoint',
  'oauthRegistrationEndpoint',
];

const SHA256_ENTRY = /^sha256:[0-9a-f]{64}$/i;

/**
 * Marks a configuration `loadConfig` or `defineConfig` produced. A registered symbol, so a
 * configuration from another copy of the package is recognised too; not enumerable, so a copy
 * made with `{ ...config }` is options again and goes through every check.
 */
const RESOLVED = Symbol.for('@mcp-warden/core.resolved-config');

/**
 * Whether `value` is a configuration `loadConfig` or `defineConfig` produced (validated, defaults
 * applied, frozen), which `createAuthenticator` and `createMetadataProvider` use as is.
 */
export function isResolvedConfig(value: unknown): value is WardenConfig {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RESOLVED] === true;
}

/**
 * Reads the configuration from environment variables: `env` (any object whose `MCP_*` properties
 * are strings: `process.env`, `Deno.env.toObject()`, a Worker's `env`), or `process.env` when
 * called without an argument. On Cloudflare Workers pass the Worker's bindings (`loadConfig(env)`):
 * there `process.env` is missing or holds only what the compatibility flags put in it.
 *
 * @throws {ConfigError} listing every problem, each with the variable name and what to do; also
 * when called without an argument where there is no `process.env` to read, or on Cloudflare
 * Workers (never the defaults instead: they let requests without credentials through).
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * const authenticator = await createAuthenticator(config);
 * ```
 */
export function loadConfig(env?: object): WardenConfig {
  // `object`, not a string record: a Worker's `Env` from `wrangler types` is an interface, which
  // TypeScript will not pass as a record. Only the MCP_* properties are read, and must be strings.
  const variables = (env ?? processEnvironment()) as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) input[key] = variables[CONFIG_ENV_VARIABLES[key]];
  const config = resolveConfig(input, 'env', []);
  const written = CONFIG_KEYS.filter((key) => {
    const value = variables[CONFIG_ENV_VARIABLES[key]];
    return value !== undefined && (typeof value !== 'string' || value.trim() !== '');
  });
  FROM_ENVIRONMENT.set(config, new Set(written));
  return config;
}

/**
 * `process.env`, for `loadConfig()` without an argument. Refused where it is not the environment:
 * absent (Workers without Node.js compatibility, browsers), or on Cloudflare Workers, where it is
 * empty or filled depending on compatibility flags the library cannot see. Reading nothing would
 * give the defaults, optional authentication with no credential configured: a server open to
 * anyone.
 */
function processEnvironment(): Record<string, string | undefined> {
  const env = (globalThis as { process?: { env?: unknown } }).process?.env;
  const onWorkers =
    (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers';
  if (typeof env === 'object' && env !== null && !onWorkers) return env as Record<string, string | undefined>;
  throw new ConfigError([
    {
      variable: 'env',
      message: onWorkers
        ? 'loadConfig() needs the environment on Cloudflare Workers: pass the Worker\'s bindings, loadConfig(env) (from the fetch handler\'s env, or `import { env } from "cloudflare:workers"`)'
        : 'loadConfig() was called without an environment and this runtime has no process.env: pass the variables, loadConfig(env)',
    },
  ]);
}

/**
 * Configurations read from environment variables, as returned by {@link loadConfig}: problems found
 * later (a key that does not import) name the variable. A configuration built or changed in code
 * (a spread copy is a new object) names the option instead, because that is what its author wrote.
 */
const FROM_ENVIRONMENT = new WeakMap<object, ReadonlySet<keyof WardenConfig>>();

/**
 * The name the user wrote for a setting of `config`: the environment variable for a configuration
 * from {@link loadConfig}, else the option name.
 *
 * @example
 * ```ts
 * configName(loadConfig(process.env), 'jwtPublicKey'); // 'MCP_JWT_PUBLIC_KEY'
 * configName(defineConfig({}), 'jwtPublicKey'); // 'jwtPublicKey'
 * ```
 */
export function configName(config: object, key: keyof WardenConfig): string {
  return FROM_ENVIRONMENT.has(config) ? CONFIG_ENV_VARIABLES[key] : key;
}

/**
 * Validates programmatic options with the same schema and rules as {@link loadConfig}, and applies
 * the defaults. Option names are the camelCase of the environment variables. A configuration
 * that is already resolved is returned as is.
 *
 * @throws {ConfigError} listing every problem, each naming the option.
 * @example
 * ```ts
 * const config = defineConfig({
 *   authRequired: true,
 *   jwtIssuer: 'https://tenant.auth0.com/',
 *   oauthJwksUri: 'https://tenant.auth0.com/.well-known/jwks.json',
 *   resourceUrl: 'https://mcp.example.com/mcp',
 * });
 * ```
 */
export function defineConfig(options: WardenConfig | WardenOptions = {}): WardenConfig {
  if (isResolvedConfig(options)) return options;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('defineConfig expects an options object');
  }
  const unknown = Object.keys(options)
    .filter((key) => !Object.hasOwn(CONFIG_ENV_VARIABLES, key))
    .map((key) => ({ variable: key.slice(0, 60), message: 'is not a known option (check the spelling)' }));
  // A configuration from loadConfig passed through again keeps naming its variables.
  const written = FROM_ENVIRONMENT.get(options);
  if (written !== undefined) {
    const config = resolveConfig(options as Record<string, unknown>, 'env', unknown);
    FROM_ENVIRONMENT.set(config, written);
    return config;
  }
  const config = resolveConfig(options as Record<string, unknown>, 'option', unknown);
  WRITTEN_OPTIONS.set(
    config,
    // A configuration from defineConfig passed through again keeps what its author wrote.
    WRITTEN_OPTIONS.get(options) ??
      new Set(CONFIG_KEYS.filter((key) => (options as Record<string, unknown>)[key] !== undefined)),
  );
  return config;
}

/** The options a configuration built by {@link defineConfig} was given (the rest are defaults). */
const WRITTEN_OPTIONS = new WeakMap<object, ReadonlySet<keyof WardenConfig>>();

/**
 * Whether the user wrote `key` (set its variable, or passed the option) rather than leaving it at its
 * default: a warning about a setting is only useful to whoever chose it. A configuration that
 * neither {@link loadConfig} nor {@link defineConfig} built counts every key as written.
 *
 * @example
 * ```ts
 * isWritten(loadConfig({ MCP_API_KEYS: 'k' }), 'jwtEnabled'); // false: JWT is on by default
 * ```
 */
export function isWritten(config: object, key: keyof WardenConfig): boolean {
  const written = FROM_ENVIRONMENT.get(config) ?? WRITTEN_OPTIONS.get(config);
  return written === undefined || written.has(key);
}

function resolveConfig(input: Record<string, unknown>, naming: Naming, issues: ConfigIssue[]): WardenConfig {
  const name = (key: ConfigKey): string => (naming === 'env' ? CONFIG_ENV_VARIABLES[key] : key);
  const failed = new Set<ConfigKey>();
  const parsed: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const result = wardenConfigSchema.shape[key].safeParse(input[key]);
    if (result.success) {
      parsed[key] = result.data;
    } else {
      failed.add(key);
      for (const issue of result.error.issues) issues.push({ variable: name(key), message: issue.message });
    }
  }
  // A field that failed is reported above and undefined here: every rule below checks ok() first,
  // and a configuration with a failed field is never returned.
  const fields = parsed as ParsedFields;
  const ok = (...keys: ConfigKey[]): boolean => keys.every((key) => !failed.has(key));
  const report = (key: ConfigKey, message: string): void => {
    issues.push({ variable: name(key), message });
  };

  const resourceUrl = fields.resourceUrl ?? DEFAULT_RESOURCE_URL;
  // An empty jwtAudience means "this server's resource URL": resolved where tokens are checked
  // (expected-audiences.ts), never written here, so it follows a resource URL changed later.
  const audienceExplicit = ok('jwtAudience') && fields.jwtAudience.length > 0;

  if (ok('resourceUrl') && new URL(resourceUrl).hash !== '') {
    report('resourceUrl', 'must not contain a fragment (RFC 8707 §2)');
  }

  if (ok('allowInsecureHttp') && !fields.allowInsecureHttp) {
    for (const key of HTTPS_ONLY) {
      const value = key === 'resourceUrl' ? resourceUrl : fields[key];
      if (!ok(key) || typeof value !== 'string' || value === DISCOVER_INTROSPECTION_ENDPOINT) continue;
      if (!isSecureEnoughUrl(new URL(value), false)) report(key, insecureUrlProblem(name('allowInsecureHttp')));
    }
  }

  if (ok('apiKeys')) {
    fields.apiKeys.forEach((entry, index) => {
      if (entry.toLowerCase().startsWith('sha256:') && !SHA256_ENTRY.test(entry)) {
        report('apiKeys', `entry ${index + 1} starts with "sha256:" but is not followed by 64 hex characters`);
      }
    });
  }

  // Entries with shape problems are already reported; the others still get every other check.
  const partialIssuers = failed.has('trustedIssuers') ? parseTrustedIssuers(input.trustedIssuers) : undefined;
  const options: WardenConfig = {
    ...fields,
    resourceUrl,
    trustedIssuers: partialIssuers?.entries ?? fields.trustedIssuers,
  };
  const config: WardenConfig = {
    ...options,
    ...resolveIssuers(options, {
      ok,
      report,
      name,
      audienceExplicit,
      trustedIssuersSet: (partialIssuers?.problems.length ?? 0) > 0 || (options.trustedIssuers?.length ?? 0) > 0,
      ...(partialIssuers === undefined ? {} : { trustedIssuerPositions: partialIssuers.positions }),
    }),
  };
  checkIntrospectionConfig(config, ok, report, name);
  checkKeyMaterial(config, ok, report, name);
  checkJwtAlgorithms(config, ok, report, name);

  if (
    ok('authEnabled', 'authRequired', 'apiKeyEnabled', 'jwtEnabled', 'basicAuthUsers') &&
    config.authEnabled &&
    config.authRequired &&
    !config.apiKeyEnabled &&
    !config.jwtEnabled &&
    config.oauthIntrospectionEndpoint === undefined &&
    config.basicAuthUsers.length === 0
  ) {
    report(
      'authRequired',
      `is true but every authentication method is disabled (${name('apiKeyEnabled')} and ${name('jwtEnabled')} are false): enable one, or set ${name('authEnabled')}=false to run without authentication on purpose`,
    );
  }

  if (ok('dpopEnabled', 'dpopRequired') && config.dpopRequired && !config.dpopEnabled) {
    report(
      'dpopRequired',
      `is true but ${name('dpopEnabled')} is false: DPoP-bound tokens cannot be required while DPoP is turned off`,
    );
  }

  if (issues.length > 0) throw new ConfigError(issues);
  Object.defineProperty(config, RESOLVED, { value: true });
  return deepFreeze(config);
}

/** Freezes the configuration and every array and plain object in it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

function checkKeyMaterial(
  config: WardenConfig,
  ok: (...keys: ConfigKey[]) => boolean,
  report: (key: ConfigKey, message: string) => void,
  name: (key: ConfigKey) => string,
): void {
  if (ok('jwtPublicKey') && config.jwtPublicKey !== undefined) {
    try {
      parseKeyMaterial(config.jwtPublicKey);
    } catch (error) {
      if (!(error instanceof KeyMaterialError)) throw error;
      report('jwtPublicKey', error.message);
    }
  }
  if (ok('jwtPublicKeyFile') && config.jwtPublicKeyFile !== undefined) {
    if (config.jwtPublicKey !== undefined) {
      report('jwtPublicKeyFile', `set either ${name('jwtPublicKey')} or ${name('jwtPublicKeyFile')}, not both`);
      return;
    }
    try {
      parseKeyMaterial(readKeyFile(config.jwtPublicKeyFile));
    } catch (error) {
      if (!(error instanceof KeyMaterialError || error instanceof KeyFileError)) throw error;
      report('jwtPublicKeyFile', error instanceof KeyMaterialError ? `content ${error.message}` : error.message);
    }
  }
}

/**
 * RFC 8725 §3.1 and RFC 7518 §3.2: HS* only with a secret of the hash's size, never next to a public key or
 * JWKS (algorithm confusion), and asymmetric algorithms never with only a secret.
 */
function checkJwtAlgorithms(
  config: WardenConfig,
  ok: (...keys: ConfigKey[]) => boolean,
  report: (key: ConfigKey, message: string) => void,
  name: (key: ConfigKey) => string,
): void {
  if (!ok('jwtAlgorithms', 'jwtSecret', 'jwtPublicKey', 'jwtPublicKeyFile', 'oauthJwksUri')) return;
  const symmetric = config.jwtAlgorithms.filter(isSymmetricAlgorithm);
  const asymmetric = config.jwtAlgorithms.filter((alg) => !isSymmetricAlgorithm(alg));
  const publicKeySources = [
    config.jwtPublicKey !== undefined && name('jwtPublicKey'),
    config.jwtPublicKeyFile !== undefined && name('jwtPublicKeyFile'),
    config.oauthJwksUri !== undefined && name('oauthJwksUri'),
  ].filter((source): source is string => source !== false);
  const canDiscoverKeys = config.jwtIssuer !== undefined || config.oauthServerUrl !== undefined;
  const jwtActive = config.authEnabled !== false && config.jwtEnabled !== false;

  if (symmetric.length > 0 && publicKeySources.length > 0) {
    report(
      'jwtAlgorithms',
      `allows ${symmetric.join(', ')} while ${publicKeySources.join(' and ')} is set: a symmetric algorithm next to a public key enables algorithm confusion (RFC 8725 §3.1); use only asymmetric algorithms (e.g. RS256) with public keys, or a secret alone with HS256`,
    );
  }
  if (config.jwtSecret !== undefined) {
    const bytes = new TextEncoder().encode(config.jwtSecret).byteLength;
    for (const alg of symmetric) {
      const minimum = minimumSecretBytes(alg);
      if (bytes < minimum) {
        report(
          'jwtSecret',
          `is ${bytes} bytes long; ${alg} needs at least ${minimum} random bytes (RFC 7518 §3.2), e.g. \`openssl rand -base64 ${minimum}\``,
        );
        break;
      }
    }
  } else if (symmetric.length > 0 && jwtActive) {
    report('jwtSecret', `is required because ${name('jwtAlgorithms')} allows ${symmetric.join(', ')}`);
  }
  if (config.jwtSecret !== undefined && asymmetric.length > 0 && publicKeySources.length === 0 && !canDiscoverKeys) {
    report(
      'jwtAlgorithms',
      `allows ${asymmetric.join(', ')}, which needs a public key (${name('jwtPublicKey')}, ${name('jwtPublicKeyFile')}, ${name('oauthJwksUri')} or ${name('jwtIssuer')} for discovery), but only ${name('jwtSecret')} is set; for a shared secret set ${name('jwtAlgorithms')}=HS256`,
    );
  } else if (config.jwtSecret !== undefined && symmetric.length === 0) {
    report('jwtSecret', `is set but ${name('jwtAlgorithms')} allows no HS* algorithm; remove it or allow HS256`);
  }
}
