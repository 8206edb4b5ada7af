// docs/architecture.md: core and metadata know no web framework and import no node:http, so they run on
// any runtime with Web APIs. This checks the built output users actually receive.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const forbidden = ['express', 'fastify', 'hono', '@hono/node-server', 'node:http', 'http', 'node:https', 'https'];
const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function importedModules(distDir: string): Set<string> {
  const modules = new Set<string>();
  for (const file of readdirSync(distDir)) {
    if (!/\.(c?js|d\.c?ts)$/.test(file)) continue;
    for (const match of readFileSync(join(distDir, file), 'utf8').matchAll(importPattern)) {
      modules.add(match[1] as string);
    }
  }
  return modules;
}

describe.each(['core', 'metadata'])('built @mcp-warden/%s', (name) => {
  const distDir = join(import.meta.dirname, '..', 'packages', name, 'dist');

  it('has been built', () => {
    expect(existsSync(join(distDir, 'index.js'))).toBe(true);
  });

  it('imports no web framework and no node:http', () => {
    const bad = [...importedModules(distDir)].filter((m) => forbidden.some((f) => m === f || m.startsWith(`${f}/`)));
    expect(bad).toEqual([]);
  });
});

it('the import scanner notices a framework import', () => {
  expect(
    [...`import { Hono } from 'hono'; const h = require("node:http");`.matchAll(importPattern)].map((m) => m[1]),
  ).toEqual(['hono', 'node:http']);
});
