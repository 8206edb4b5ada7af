// The examples of the package READMEs, run as a user would run them: each README's install line is
// installed (our packed tarballs, the other packages from the registry at the versions this
// workspace uses) into a scratch project outside the workspace, the first ```ts block after the
// readme-example marker is saved as written, its types removed, and started; then one request
// without credentials and one with an API key must get the answers the README promises.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './publishable-packages.mjs';

const MARKER = '<!-- readme-example:';
const API_KEY = 'readme-example-key-1';
const require = createRequire(import.meta.url);

/** The install line and the marked example of a README, or undefined when it has no marker. */
export function readmeExample(readme) {
  const marker = readme.indexOf(MARKER);
  if (marker === -1) return undefined;
  const install = /```sh\n(npm install [^\n]+)\n```/.exec(readme.slice(0, marker));
  if (!install) throw new Error('no "npm install" line before the readme-example marker');
  const code = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(marker));
  if (!code) throw new Error('no ```ts block after the readme-example marker');
  const packages = install[1]
    .split(/\s+/)
    .slice(2)
    .filter((word) => !word.startsWith('-'));
  return { installLine: install[1], packages, code: code[1] };
}

/** The exact version of a dependency this workspace has installed (apps/server has them all). */
function workspaceVersion(name) {
  for (const dir of ['apps/server', 'packages/adapter-conformance']) {
    const manifest = join(repoRoot, dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version;
  }
  throw new Error(`${name} is on an install line but no workspace package depends on it`);
}

/** npm install arguments for an install line: tarballs for our packages, name@version for the rest. */
export function installArguments(packages, tarballs) {
  return packages.map((name) => tarballs[name] ?? `${name}@${workspaceVersion(name)}`);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** Starts the example, sends the two requests, stops it. Throws with the example's output on failure. */
export async function runExample(dir, code) {
  const ts = require(join(repoRoot, 'node_modules', 'typescript'));
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  writeFileSync(join(dir, 'example.ts'), code);
  writeFileSync(join(dir, 'example.mjs'), js);
  const port = await freePort();
  const child = spawn(process.execPath, ['example.mjs'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', MCP_API_KEYS: API_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const fail = (message) => new Error(`${message}\n--- example output ---\n${output}`);
  try {
    const url = `http://127.0.0.1:${port}/mcp`;
    const deadline = Date.now() + 60_000;
    let anonymous;
    while (anonymous === undefined) {
      if (child.exitCode !== null) throw fail(`the example exited with code ${child.exitCode}`);
      try {
        anonymous = await fetch(url, { method: 'POST', headers: HEADERS, body: TOOLS_LIST });
      } catch {
        if (Date.now() > deadline) throw fail('the example did not answer within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const challenge = anonymous.headers.get('www-authenticate') ?? '';
    if (anonymous.status !== 401 || !challenge.startsWith('Bearer resource_metadata=')) {
      throw fail(`a request without credentials got ${anonymous.status} (${challenge}), expected 401 with a challenge`);
    }
    const authed = await fetch(url, {
      method: 'POST',
      headers: { ...HEADERS, 'x-api-key': API_KEY },
      body: TOOLS_LIST,
    });
    const body = await authed.text();
    if (authed.status !== 200 || !body.includes('"whoami"')) {
      throw fail(`a request with a valid API key got ${authed.status}: ${body.slice(0, 300)}`);
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Creates the scratch project of one README. */
export function scratchProject(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }));
}
