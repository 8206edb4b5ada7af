/**
 * The authorization server's settings from the environment (`MCP_UPSTREAM_*`, `MCP_ALLOWED_USERS`,
 * `MCP_AUTH_SERVER_SECRET`), validated at once: every problem is reported under the variable the
 * user wrote, so a bad configuration fails at start-up with the whole list.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AllowList, parseAllowList } from './allowlist.js';

/** The upstream providers the server can hand sign-in to. */
export type UpstreamProvider = 'github' | 'google' | 'oidc';

/** The upstream provider and the app registered there for this server. */
export interface UpstreamSettings {
  provider: UpstreamProvider;
  clientId: string;
  clientSecret: string;
  /** `oidc`: the issuer to discover; `google`: `https://accounts.google.com`; `github`: unused. */
  issuer: string | undefined;
  /** Overrides of the discovered (or, for GitHub, github.com's) endpoints. */
  authorizationEndpoint: string | undefined;
  tokenEndpoint: string | undefined;
  /** GitHub: the user API (`https://api.github.com/user`; GitHub Enterprise `https://HOST/api/v3/user`). */
  userinfoEndpoint: string | undefined;
  /** Scopes asked of the upstream provider. Default per provider. */
  scopes: string[] | undefined;
}

/** Everything {@link createAuthorizationServer} needs besides where it runs. */
export interface AuthorizationServerSettings {
  upstream: UpstreamSettings;
  allowedUsers: AllowList;
  /**
   * The server secret (32 characters or more) from which the keys for the encrypted upstream
   * tokens, cookies and consent forms are derived. Unset: random per process (upstream tokens and
   * sessions are lost at restart, and several instances cannot share them).
   */
  secret: string | undefined;
  /** `MCP_AUTH_SERVER_KEYS_FILE`: where the signing keys live (created on first start). Unset: generated per process. */
  signingKeysFile: string | undefined;
}

/** One problem, under the variable the user wrote. */
export interface SettingsIssue {
  variable: string;
  message: string;
}

/** The environment variables these settings are read from. */
export const AUTHORIZATION_SERVER_ENV_VARIABLES = [
  'MCP_UPSTREAM_PROVIDER',
  'MCP_UPSTREAM_CLIENT_ID',
  'MCP_UPSTREAM_CLIENT_SECRET',
  'MCP_UPSTREAM_ISSUER',
  'MCP_UPSTREAM_AUTHORIZATION_ENDPOINT',
  'MCP_UPSTREAM_TOKEN_ENDPOINT',
  'MCP_UPSTREAM_USERINFO_ENDPOINT',
  'MCP_UPSTREAM_SCOPES',
  'MCP_ALLOWED_USERS',
  'MCP_AUTH_SERVER_SECRET',
  'MCP_AUTH_SERVER_SECRET_FILE',
  'MCP_AUTH_SERVER_KEYS_FILE',
] as const;

const GOOGLE_ISSUER = 'https://accounts.google.com';
const MIN_SECRET_LENGTH = 32;

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** An `https:` URL, or `http:` on this machine (a provider under test). */
export function upstreamUrlProblem(value: string): string | undefined {
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'must be an absolute https URL';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must use https (plain http only on localhost / 127.0.0.1 / [::1])';
  }
  if (url.hash !== '' || url.username !== '' || url.password !== '') return 'must not hold a fragment or user info';
  return undefined;
}

/** Whether the environment asks for the federating authorization server at all. */
export function wantsAuthorizationServer(env: Record<string, string | undefined>): boolean {
  return AUTHORIZATION_SERVER_ENV_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
}

/**
 * Reads and checks the settings. Returns `undefined` settings when none of the variables is set.
 *
 * @example
 * ```ts
 * const { settings, issues } = loadAuthorizationServerSettings(process.env);
 * if (issues.length > 0) throw new Error(issues.map((i) => `${i.variable}: ${i.message}`).join('\n'));
 * ```
 */
export function loadAuthorizationServerSettings(env: Record<string, string | undefined>): {
  settings: AuthorizationServerSettings | undefined;
  issues: SettingsIssue[];
} {
  const issues: SettingsIssue[] = [];
  const read = (name: (typeof AUTHORIZATION_SERVER_ENV_VARIABLES)[number]) => {
    const value = (env[name] ?? '').trim();
    return value === '' ? undefined : value;
  };
  const problem = (variable: string, message: string) => issues.push({ variable, message });
  if (!wantsAuthorizationServer(env)) return { settings: undefined, issues };

  const providerValue = read('MCP_UPSTREAM_PROVIDER');
  let provider: UpstreamProvider | undefined;
  if (providerValue === undefined) {
    const written = AUTHORIZATION_SERVER_ENV_VARIABLES.filter((name) => read(name) !== undefined);
    problem(
      'MCP_UPSTREAM_PROVIDER',
      `must be set (github, google or oidc) when ${written.join(', ')} ${written.length === 1 ? 'is' : 'are'} set`,
    );
  } else if (providerValue === 'github' || providerValue === 'google' || providerValue === 'oidc') {
    provider = providerValue;
  } else {
    problem('MCP_UPSTREAM_PROVIDER', `must be github, google or oidc, not "${providerValue}"`);
  }

  const clientId = read('MCP_UPSTREAM_CLIENT_ID');
  if (clientId === undefined)
    problem('MCP_UPSTREAM_CLIENT_ID', 'is required: the client ID of the app registered at the upstream provider');
  const clientSecret = read('MCP_UPSTREAM_CLIENT_SECRET');
  if (clientSecret === undefined) problem('MCP_UPSTREAM_CLIENT_SECRET', 'is required: the client secret of that app');

  const urlSetting = (name: Parameters<typeof read>[0]) => {
    const value = read(name);
    if (value === undefined) return undefined;
    const wrong = upstreamUrlProblem(value);
    if (wrong) {
      problem(name, wrong);
      return undefined;
    }
    return value;
  };
  let issuer = urlSetting('MCP_UPSTREAM_ISSUER');
  const authorizationEndpoint = urlSetting('MCP_UPSTREAM_AUTHORIZATION_ENDPOINT');
  const tokenEndpoint = urlSetting('MCP_UPSTREAM_TOKEN_ENDPOINT');
  const userinfoEndpoint = urlSetting('MCP_UPSTREAM_USERINFO_ENDPOINT');
  if (provider === 'oidc' && read('MCP_UPSTREAM_ISSUER') === undefined) {
    problem(
      'MCP_UPSTREAM_ISSUER',
      'is required with MCP_UPSTREAM_PROVIDER=oidc: the issuer whose metadata is discovered',
    );
  }
  if (provider === 'google') {
    if (issuer !== undefined && issuer.replace(/\/$/, '') !== GOOGLE_ISSUER) {
      problem('MCP_UPSTREAM_ISSUER', `is not Google's issuer (${GOOGLE_ISSUER}); leave it unset for google`);
    }
    issuer ??= GOOGLE_ISSUER;
  }
  if (provider === 'github') {
    if (issuer !== undefined) {
      problem(
        'MCP_UPSTREAM_ISSUER',
        'is not used with github (GitHub is not an OpenID provider); set the endpoint variables for GitHub Enterprise',
      );
    }
    const enterprise = [authorizationEndpoint, tokenEndpoint, userinfoEndpoint].filter((v) => v !== undefined).length;
    if (enterprise > 0 && enterprise < 3) {
      problem(
        'MCP_UPSTREAM_AUTHORIZATION_ENDPOINT',
        'GitHub Enterprise needs all three of MCP_UPSTREAM_AUTHORIZATION_ENDPOINT, MCP_UPSTREAM_TOKEN_ENDPOINT and MCP_UPSTREAM_USERINFO_ENDPOINT',
      );
    }
  }

  const scopesValue = read('MCP_UPSTREAM_SCOPES');
  const scopes = scopesValue?.split(/[\s,]+/).filter(Boolean);
  if (scopes?.some((scope) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope))) {
    problem('MCP_UPSTREAM_SCOPES', 'holds a character a scope cannot contain (RFC 6749 §3.3)');
  }

  const allowedValue = read('MCP_ALLOWED_USERS');
  let allowedUsers: AllowList | undefined;
  if (allowedValue === undefined) {
    problem(
      'MCP_ALLOWED_USERS',
      'is required: the upstream logins, emails, @domains or org:names allowed to sign in (write * to let every account in)',
    );
  } else {
    const parsed = parseAllowList(allowedValue, provider ?? 'github');
    for (const message of parsed.problems) problem('MCP_ALLOWED_USERS', message);
    allowedUsers = parsed.list;
  }

  let secret = read('MCP_AUTH_SERVER_SECRET');
  const secretFile = read('MCP_AUTH_SERVER_SECRET_FILE');
  if (secret !== undefined && secretFile !== undefined) {
    problem('MCP_AUTH_SERVER_SECRET_FILE', 'cannot be combined with MCP_AUTH_SERVER_SECRET; set one of them');
  } else if (secretFile !== undefined) {
    try {
      secret = readFileSync(secretFile, 'utf8').trim();
    } catch (error) {
      problem('MCP_AUTH_SERVER_SECRET_FILE', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    problem(
      secretFile === undefined ? 'MCP_AUTH_SERVER_SECRET' : 'MCP_AUTH_SERVER_SECRET_FILE',
      `must hold at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`,
    );
  }

  const signingKeysFile = read('MCP_AUTH_SERVER_KEYS_FILE');
  if (signingKeysFile !== undefined && !existsSync(dirname(resolve(signingKeysFile)))) {
    problem('MCP_AUTH_SERVER_KEYS_FILE', 'names a file in a directory that does not exist');
  }

  if (issues.length > 0 || provider === undefined || !clientId || !clientSecret || !allowedUsers) {
    return { settings: undefined, issues };
  }
  return {
    settings: {
      upstream: {
        provider,
        clientId,
        clientSecret,
        issuer,
        authorizationEndpoint,
        tokenEndpoint,
        userinfoEndpoint,
        scopes,
      },
      allowedUsers,
      secret,
      signingKeysFile,
    },
    issues,
  };
}
