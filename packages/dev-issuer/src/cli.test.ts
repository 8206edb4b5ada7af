import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLI_DEFAULT_PORT, parseCliArguments } from './cli-options.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('parseCliArguments', () => {
  it('reads the environment, and lets flags win over it', () => {
    const request = parseCliArguments(['--port', '0', '--scopes', 'a:read, a:write'], {
      MCP_DEV_ISSUER_PORT: '9999',
      MCP_DEV_ISSUER_HOST: '127.0.0.1',
      MCP_RESOURCE_URL: 'http://localhost:8000/mcp , http://localhost:8001/mcp',
      MCP_DEV_ISSUER_SCOPES: 'ignored',
      MCP_DEV_ISSUER_USER_NAME: 'Grace Hopper',
      MCP_DEV_ISSUER_ACCESS_TOKEN_FORMAT: 'opaque',
      MCP_DEV_ISSUER_AUTO_APPROVE: 'yes',
      MCP_DEV_ISSUER_CLIENT_SECRET: 'a-fixed-development-secret',
    });
    expect(request).toEqual({
      kind: 'start',
      verbose: false,
      options: {
        port: 0,
        host: '127.0.0.1',
        resource: ['http://localhost:8000/mcp', 'http://localhost:8001/mcp'],
        scopes: ['a:read', 'a:write'],
        user: { id: 'dev-user', name: 'Grace Hopper' },
        accessTokenFormat: 'opaque',
        devClient: { clientSecret: 'a-fixed-development-secret' },
        autoApprove: true,
      },
    });
  });

  it('listens on a fixed port by default, so a server can be pointed at it', () => {
    expect(parseCliArguments([], {})).toEqual({ kind: 'start', verbose: false, options: { port: CLI_DEFAULT_PORT } });
  });

  it('prefers MCP_DEV_ISSUER_RESOURCE and repeated --resource flags', () => {
    const fromEnv = parseCliArguments([], {
      MCP_DEV_ISSUER_RESOURCE: 'http://a/mcp',
      MCP_RESOURCE_URL: 'http://b/mcp',
    });
    expect(fromEnv).toMatchObject({ options: { resource: ['http://a/mcp'] } });
    const fromFlags = parseCliArguments(['--resource', 'http://c/mcp', '--resource', 'http://d/mcp'], {
      MCP_DEV_ISSUER_RESOURCE: 'http://a/mcp',
    });
    expect(fromFlags).toMatchObject({ options: { resource: ['http://c/mcp', 'http://d/mcp'] } });
  });

  it('names every bad value', () => {
    expect(
      parseCliArguments(['--access-token-ttl', '1h'], {
        MCP_DEV_ISSUER_PORT: 'eighty',
        MCP_DEV_ISSUER_VERBOSE: 'sure',
      }),
    ).toEqual({
      kind: 'invalid',
      problems: [
        'MCP_DEV_ISSUER_PORT must be a whole number, got "eighty"',
        '--access-token-ttl must be a whole number, got "1h"',
        'MCP_DEV_ISSUER_VERBOSE must be true/false/1/0/yes/no, got "sure"',
      ],
    });
    expect(parseCliArguments(['--bogus'], {})).toMatchObject({ kind: 'invalid' });
  });
});

describe('runCli', () => {
  it('prints the help', async () => {
    const output = capture();
    expect(await runCli(['--help'], {}, output.io)).toEqual({ exitCode: 0 });
    expect(output.stdout()).toContain('Usage: mcp-warden-dev-issuer');
    expect(output.stdout()).toContain('NOT FOR PRODUCTION');
  });

  it('exits 1 listing every configuration problem', async () => {
    const output = capture();
    const outcome = await runCli(
      ['--port', '0', '--access-token-format', 'paseto'],
      { MCP_RESOURCE_URL: 'nope' },
      output.io,
    );
    expect(outcome).toEqual({ exitCode: 1 });
    expect(output.stderr()).toBe(
      [
        'mcp-warden-dev-issuer: invalid configuration:',
        '  - resource "nope" must be an absolute http(s) URL',
        '  - accessTokenFormat must be "jwt" or "opaque"',
        '',
      ].join('\n'),
    );
    expect(output.stdout()).toBe('');
  });

  it('starts the issuer and prints its URL and a curl command that really gets a token', async () => {
    const output = capture();
    // A secret with a quote and a space proves the command is quoted for the shell.
    const env = { MCP_RESOURCE_URL: 'http://localhost:8123/mcp', MCP_DEV_ISSUER_CLIENT_SECRET: "it's a dev secret" };
    const outcome = await runCli(['--port', '0'], env, output.io);
    if (!('issuer' in outcome)) throw new Error(`the CLI did not start: ${output.stderr()}`);
    const { issuer } = outcome;
    try {
      const banner = output.stdout();
      expect(banner).toContain(`listening on ${issuer.url}`);
      expect(banner).toContain('NOT FOR PRODUCTION');
      expect(banner).toContain(`issuer       ${issuer.issuer}`);
      // Logs go to stderr and never carry the client secret.
      expect(output.stderr()).toContain('development issuer started');
      expect(output.stderr()).not.toContain(issuer.devClient.clientSecret);

      const curl = banner.split('\n').find((line) => line.trim().startsWith('curl '));
      expect(curl).toBeDefined();
      const { stdout } = await run('sh', ['-c', curl as string], { timeout: 10_000 });
      const answer = JSON.parse(stdout) as { access_token: string; token_type: string; scope: string };
      expect(answer.token_type).toBe('Bearer');
      expect(answer.scope).toBe('mcp:tools mcp:admin');
      const jwks = await (await fetch(issuer.jwksUri)).json();
      const { payload } = await jwtVerify(answer.access_token, createLocalJWKSet(jwks), {
        issuer: issuer.issuer,
        audience: 'http://localhost:8123/mcp',
        typ: 'at+jwt',
      });
      expect(payload.client_id).toBe('dev-client');
    } finally {
      await issuer.close();
    }
  });
});
