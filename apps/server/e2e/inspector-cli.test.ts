// MCP Inspector's command line (@modelcontextprotocol/inspector, pinned in package.json) against
// the reference server on every framework: it lists and calls the tools with a token from the
// embedded issuer (on both the 2025-era and the 2026-07-28 wire) and with an API key, each sent
// with its --header option, and it reports the 401 of a call without credentials as a server that
// needs authorization. docs/clients.md shows the same commands for your own server.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentialsToken, issuerFromBanner } from './embedded-issuer.js';
import { FRAMEWORKS, type ServerProcess, startServerProcess } from './server-process.js';

const INSPECTOR = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector/package.json')),
  'clients',
  'launcher',
  'build',
  'index.js',
);

const CALL_TIMEOUT_MS = 90_000;

let home: string;
beforeAll(() => {
  // The Inspector keeps a catalog and OAuth state under ~/.mcp-inspector: a scratch home keeps the
  // runs apart from the user's own, and from each other.
  home = mkdtempSync(join(tmpdir(), 'mcp-inspector-home-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

interface InspectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `inspector --cli <url> --transport http --format json …`, as a user types it. */
function inspector(url: string, args: string[]): Promise<InspectorRun> {
  const child = spawn(
    process.execPath,
    [INSPECTOR, '--cli', url, '--transport', 'http', '--format', 'json', '--stored-auth-only', ...args],
    { env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CALL_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** The JSON object a successful run prints (`--format json`). */
function resultOf(run: InspectorRun): Record<string, unknown> {
  expect(run.code, `inspector failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
  return (JSON.parse(run.stdout) as { result: Record<string, unknown> }).result;
}

function toolNames(run: InspectorRun): string[] {
  return (resultOf(run).tools as { name: string }[]).map((tool) => tool.name).sort();
}

/** The text a tool answered with. */
function textOf(run: InspectorRun): string {
  return (resultOf(run).content as { type: string; text: string }[])[0]!.text;
}

describe.each(FRAMEWORKS)('MCP Inspector CLI against the reference server on %s', (framework) => {
  describe('with a token from the embedded issuer', () => {
    let server: ServerProcess;
    let mcpUrl: string;
    let authorization: string;
    let issuer: string;

    beforeAll(async () => {
      server = await startServerProcess({ env: { MCP_HTTP_FRAMEWORK: framework }, timeoutMs: 60_000 });
      issuer = issuerFromBanner(server.output());
      mcpUrl = `http://localhost:${server.port}/mcp`;
      authorization = `Authorization: Bearer ${await clientCredentialsToken(issuer, mcpUrl, 'mcp:tools')}`;
    });
    afterAll(() => server?.stop());

    // legacy: the 2025-era initialize handshake; modern: 2026-07-28, stateless with per-request _meta.
    it.each(['legacy', 'modern'])(
      'tools/list and tools/call on the %s protocol era',
      async (era) => {
        const list = await inspector(mcpUrl, [
          '--protocol-era',
          era,
          '--header',
          authorization,
          '--method',
          'tools/list',
        ]);
        expect(toolNames(list)).toEqual(['admin_info', 'echo', 'whoami']);

        const who = await inspector(mcpUrl, [
          '--protocol-era',
          era,
          '--header',
          authorization,
          '--method',
          'tools/call',
          '--tool-name',
          'whoami',
        ]);
        expect(JSON.parse(textOf(who))).toMatchObject({
          authenticated: true,
          method: 'jwt',
          issuer,
          scopes: ['mcp:tools'],
        });

        const echo = await inspector(mcpUrl, [
          '--protocol-era',
          era,
          '--header',
          authorization,
          '--method',
          'tools/call',
          '--tool-name',
          'echo',
          '--tool-arg',
          'text=hello from the inspector',
        ]);
        expect(textOf(echo)).toBe('hello from the inspector');
      },
      3 * CALL_TIMEOUT_MS,
    );

    it('without credentials it stops at the 401 and reports that the server needs authorization', async () => {
      const run = await inspector(mcpUrl, ['--method', 'tools/list']);
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'auth_required' } });
    });
  });

  describe('with an API key', () => {
    const apiKey = `inspector-${randomBytes(16).toString('hex')}`;
    let server: ServerProcess;
    let mcpUrl: string;

    beforeAll(async () => {
      server = await startServerProcess({
        env: { MCP_HTTP_FRAMEWORK: framework, MCP_API_KEYS: apiKey, MCP_AUTH_REQUIRED: 'true' },
        timeoutMs: 60_000,
      });
      mcpUrl = `http://localhost:${server.port}/mcp`;
    });
    afterAll(() => server?.stop());

    it(
      'tools/list and tools/call with X-API-Key',
      async () => {
        const header = `X-API-Key: ${apiKey}`;
        expect(toolNames(await inspector(mcpUrl, ['--header', header, '--method', 'tools/list']))).toEqual([
          'admin_info',
          'echo',
          'whoami',
        ]);
        const who = await inspector(mcpUrl, ['--header', header, '--method', 'tools/call', '--tool-name', 'whoami']);
        expect(JSON.parse(textOf(who))).toMatchObject({ authenticated: true, method: 'api_key' });
      },
      2 * CALL_TIMEOUT_MS,
    );

    it("a wrong key is refused: no result, the server's own message in the Inspector's error", async () => {
      const run = await inspector(mcpUrl, ['--header', 'X-API-Key: not-the-key', '--method', 'tools/list']);
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      const { error } = JSON.parse(run.stderr) as { error: { code: string; message: string } };
      expect(error.code).toBe('auth_required');
      expect(error.message).toContain('Could not validate credentials'); // docs/troubleshooting.md
    });
  });
});
