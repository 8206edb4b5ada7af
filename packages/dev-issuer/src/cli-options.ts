/**
 * Command-line and environment configuration of the `mcp-warden-dev-issuer` binary. Every flag
 * `--foo-bar` has an environment twin `MCP_DEV_ISSUER_FOO_BAR`; a flag wins over its variable.
 * The resource also falls back to `MCP_RESOURCE_URL`, the reference server's own variable, so one
 * `.env` configures both.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import type { DevIssuerOptions } from './options.js';

/** What the command line asks for. */
export type CliRequest =
  | { kind: 'help' }
  | { kind: 'start'; options: DevIssuerOptions; verbose: boolean }
  | { kind: 'invalid'; problems: string[] };

/** The port the CLI listens on by default: fixed, so a server can be configured to trust it. */
export const CLI_DEFAULT_PORT = 9400;

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  issuer: { type: 'string' },
  resource: { type: 'string', multiple: true },
  scopes: { type: 'string' },
  'user-id': { type: 'string' },
  'user-name': { type: 'string' },
  'user-email': { type: 'string' },
  'access-token-ttl': { type: 'string' },
  'access-token-format': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'auto-approve': { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The usage text printed by `--help`. */
export const USAGE = `Usage: mcp-warden-dev-issuer [options]

A local OAuth 2.1 authorization server for developing and testing MCP servers.
NOT FOR PRODUCTION: anyone who can reach it can sign in and register clients.

Options (each also read from the environment variable shown):
  --port <n>                  MCP_DEV_ISSUER_PORT                 default ${CLI_DEFAULT_PORT} (0: any free port)
  --host <address>            MCP_DEV_ISSUER_HOST                 default 127.0.0.1
  --issuer <url>              MCP_DEV_ISSUER_ISSUER               default http://<host>:<port>
  --resource <url>            MCP_DEV_ISSUER_RESOURCE             repeatable / comma-separated;
                              or MCP_RESOURCE_URL                 default http://localhost:8000/mcp
  --scopes <list>             MCP_DEV_ISSUER_SCOPES               default mcp:tools,mcp:admin
  --user-id <id>              MCP_DEV_ISSUER_USER_ID              default dev-user
  --user-name <name>          MCP_DEV_ISSUER_USER_NAME
  --user-email <email>        MCP_DEV_ISSUER_USER_EMAIL
  --access-token-ttl <s>      MCP_DEV_ISSUER_ACCESS_TOKEN_TTL     default 3600
  --access-token-format <f>   MCP_DEV_ISSUER_ACCESS_TOKEN_FORMAT  jwt (default) or opaque
  --client-id <id>            MCP_DEV_ISSUER_CLIENT_ID            the development client, default dev-client
  --client-secret <secret>    MCP_DEV_ISSUER_CLIENT_SECRET        default: random at each start
  --auto-approve              MCP_DEV_ISSUER_AUTO_APPROVE         skip the login page
  --verbose                   MCP_DEV_ISSUER_VERBOSE              log debug messages
  -h, --help                  show this help
`;

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

// Comma-separated lists accept spaces around items; spaces alone also separate scopes.
function list(value: string, separators: RegExp): string[] {
  return value
    .split(separators)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Reads the command line and the environment into {@link createDevIssuer} options. */
export function parseCliArguments(argv: string[], env: Record<string, string | undefined>): CliRequest {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    return { kind: 'invalid', problems: [(error as Error).message] };
  }
  if (values.help) return { kind: 'help' };

  const problems: string[] = [];
  const envName = (flag: string) => `MCP_DEV_ISSUER_${flag.toUpperCase().replace(/-/g, '_')}`;
  const text = (flag: string): string | undefined => {
    const value = values[flag];
    if (typeof value === 'string') return value;
    const fromEnv = env[envName(flag)];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const flagOrEnv = (flag: string): string => (typeof values[flag] === 'string' ? `--${flag}` : envName(flag));
  const integer = (flag: string): number | undefined => {
    const value = text(flag);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value.trim())) {
      problems.push(`${flagOrEnv(flag)} must be a whole number, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return Number(value);
  };
  const boolean = (flag: string): boolean | undefined => {
    if (values[flag] === true) return true;
    const value = env[envName(flag)]?.trim().toLowerCase();
    if (value === undefined || value === '') return undefined;
    if (TRUE.has(value)) return true;
    if (FALSE.has(value)) return false;
    problems.push(`${envName(flag)} must be true/false/1/0/yes/no, got ${JSON.stringify(env[envName(flag)])}`);
    return undefined;
  };

  const options: DevIssuerOptions = { port: integer('port') ?? CLI_DEFAULT_PORT };
  const host = text('host');
  if (host !== undefined) options.host = host;
  const issuer = text('issuer');
  if (issuer !== undefined) options.issuer = issuer;

  const resourceFlags = values.resource as string[] | undefined;
  const resourceText = env.MCP_DEV_ISSUER_RESOURCE || env.MCP_RESOURCE_URL;
  const resources = resourceFlags?.flatMap((item) => list(item, /,/)) ?? (resourceText ? list(resourceText, /,/) : []);
  if (resources.length > 0) options.resource = resources;

  const scopes = text('scopes');
  if (scopes !== undefined) options.scopes = list(scopes, /[,\s]+/);

  const userId = text('user-id');
  const userName = text('user-name');
  const userEmail = text('user-email');
  if (userId !== undefined || userName !== undefined || userEmail !== undefined) {
    options.user = {
      id: userId ?? 'dev-user',
      ...(userName === undefined ? {} : { name: userName }),
      ...(userEmail === undefined ? {} : { email: userEmail }),
    };
  }

  const ttl = integer('access-token-ttl');
  if (ttl !== undefined) options.accessTokenTtl = ttl;
  const format = text('access-token-format');
  if (format !== undefined) options.accessTokenFormat = format as 'jwt' | 'opaque';

  const clientId = text('client-id');
  const clientSecret = text('client-secret');
  if (clientId !== undefined || clientSecret !== undefined) {
    options.devClient = {
      ...(clientId === undefined ? {} : { clientId }),
      ...(clientSecret === undefined ? {} : { clientSecret }),
    };
  }

  const autoApprove = boolean('auto-approve');
  if (autoApprove !== undefined) options.autoApprove = autoApprove;
  const verbose = boolean('verbose') ?? false;

  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'start', options, verbose };
}
