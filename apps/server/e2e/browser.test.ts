// Web MCP clients in a real browser: headless Chromium loads a page from one origin
// (http://127.0.0.1:A) whose script runs the official MCP client against the reference server
// process on another origin (http://localhost:B), on every framework and on both wires
// (2026-07-28 and 2025-11-25). CORS is decided by the browser, so only a browser proves that the
// preflight admits what clients send and that script can read the challenge (docs/clients.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS, requireChromium } from './browser/chromium.js';
import { bundlePageScript, type PageOrigin, startPageOrigin } from './browser/page-origin.js';
import type { PageChecks, Wire } from './browser/page-script.js';
import { clientCredentialsToken, issuerFromBanner } from './embedded-issuer.js';
import { FRAMEWORKS, type ServerProcess, startServerProcess } from './server-process.js';

const WIRES: Wire[] = ['2026-07-28', '2025-11-25'];

let origin: PageOrigin;
/** A second web client origin, for the allowed-origins checks. */
let otherOrigin: PageOrigin;
let profile: string;
let browser: BrowserContext;
let page: Page;
let otherPage: Page;
const consoleMessages: string[] = [];

async function openPage(at: PageOrigin): Promise<Page> {
  const opened = browser.pages().find((candidate) => candidate.url() === 'about:blank') ?? (await browser.newPage());
  opened.setDefaultTimeout(60_000);
  // The browser states why it blocked a request only on its console; kept for failure messages.
  opened.on('console', (message) => consoleMessages.push(message.text()));
  await opened.goto(`${at.url}/`);
  await opened.waitForFunction(() => 'mcpChecks' in globalThis);
  return opened;
}

beforeAll(async () => {
  requireChromium();
  const script = await bundlePageScript();
  origin = await startPageOrigin(script);
  otherOrigin = await startPageOrigin(script);
  profile = mkdtempSync(join(tmpdir(), 'mcp-warden-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    timeout: 90_000,
  });
  page = await openPage(origin);
  otherPage = await openPage(otherOrigin);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await origin?.close();
  await otherOrigin?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Runs one check of the page script inside the browser, in the page on the first origin. */
function inPage<K extends keyof PageChecks>(
  name: K,
  ...args: Parameters<PageChecks[K]>
): Promise<Awaited<ReturnType<PageChecks[K]>>> {
  return inPageOf(page, name, ...args);
}

/** The same in the page `on`. */
function inPageOf<K extends keyof PageChecks>(
  on: Page,
  name: K,
  ...args: Parameters<PageChecks[K]>
): Promise<Awaited<ReturnType<PageChecks[K]>>> {
  return on.evaluate(
    ([check, checkArgs]) => {
      const checks = (globalThis as unknown as { mcpChecks: Record<string, (...a: unknown[]) => unknown> }).mcpChecks;
      return checks[check]!(...checkArgs);
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<PageChecks[K]>>>;
}

/** What the browser said, for an assertion's message. */
function browserSaid(): string {
  return `browser console:\n${consoleMessages.slice(-10).join('\n')}`;
}

describe.each(FRAMEWORKS)('a web MCP client on another origin, server on %s', (framework) => {
  let server: ServerProcess;
  let mcpUrl: string;
  let token: string;

  beforeAll(async () => {
    // Zero configuration: the embedded development issuer, authentication required.
    server = await startServerProcess({ env: { MCP_HTTP_FRAMEWORK: framework }, timeoutMs: 60_000 });
    mcpUrl = `http://localhost:${server.port}/mcp`;
    token = await clientCredentialsToken(issuerFromBanner(server.output()), mcpUrl, 'mcp:tools');
  });
  afterAll(() => server?.stop());

  describe.each(WIRES)('on the %s wire', (wire) => {
    it('script reads the 401 challenge that starts OAuth', async () => {
      const outcome = await inPage('anonymousCall', mcpUrl, wire);
      expect(outcome.error, browserSaid()).toBeUndefined();
      expect(outcome.status).toBe(401);
      const prmUrl = `http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp`;
      expect(outcome.wwwAuthenticate).toBe(
        `Bearer resource_metadata="${prmUrl}", scope="mcp:tools", DPoP algs="ES256 EdDSA RS256 PS256", resource_metadata="${prmUrl}", scope="mcp:tools"`,
      );
      expect(outcome.body).toMatchObject({ error: 'invalid_token' });
    });

    it('the official MCP client lists the tools and calls them with a bearer token', async () => {
      const outcome = await inPage('officialClient', mcpUrl, token, wire);
      expect(outcome.error, browserSaid()).toBeUndefined();
      expect(outcome.tools).toEqual(['admin_info', 'echo', 'whoami']);
      expect(outcome.whoami).toMatchObject({ authenticated: true, method: 'jwt', scopes: ['mcp:tools'] });
      expect(outcome.echo).toBe('from the browser');
    });

    it("a raw tools/call with the revision's standard headers passes the preflight", async () => {
      const outcome = await inPage('rawToolCall', mcpUrl, token, wire);
      expect(outcome.error, browserSaid()).toBeUndefined();
      expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
      const text = (outcome.body as { result: { content: { text: string }[] } }).result.content[0]!.text;
      expect(JSON.parse(text)).toMatchObject({ authenticated: true, method: 'jwt' });
    });
  });
});

describe.each(FRAMEWORKS)('allowed origins (MCP_CORS_ORIGINS) on %s', (framework) => {
  let server: ServerProcess;
  let mcpUrl: string;

  beforeAll(async () => {
    server = await startServerProcess({
      env: { MCP_HTTP_FRAMEWORK: framework, MCP_CORS_ORIGINS: origin.url },
      timeoutMs: 60_000,
    });
    mcpUrl = `http://localhost:${server.port}/mcp`;
  });
  afterAll(() => server?.stop());

  it('a page on a listed origin passes the preflight and reads the challenge', async () => {
    const outcome = await inPageOf(page, 'anonymousCall', mcpUrl, '2026-07-28');
    expect(outcome.error, browserSaid()).toBeUndefined();
    expect(outcome.status).toBe(401);
    expect(outcome.wwwAuthenticate).toMatch(/^Bearer resource_metadata=/);
  });

  it('the browser refuses a page on any other origin', async () => {
    const before = consoleMessages.length;
    const outcome = await inPageOf(otherPage, 'anonymousCall', mcpUrl, '2026-07-28');
    expect(outcome).toEqual({ error: 'TypeError: Failed to fetch' });
    expect(consoleMessages.slice(before).join('\n')).toContain(
      `from origin '${otherOrigin.url}' has been blocked by CORS policy`,
    );
  });
});
