/**
 * What mcp-warden costs a Worker: examples/hono-workers (Hono, core, metadata and their
 * dependencies; the handler is a stub) bundled as wrangler bundles it, minified, then gzipped
 * (what Cloudflare's size limit counts).
 *
 * @module
 */

import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { workerBuildOptions } from './runtimes.js';

export interface BundleSize {
  /** Minified bundle, bytes. */
  minified: number;
  /** The minified bundle gzipped, bytes. */
  gzipped: number;
  /** Minified bytes per package (`hono`, `jose`, `zod`, `@mcp-warden/core`, …). */
  byPackage: Record<string, number>;
}

function packageOf(path: string): string {
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules === -1) return '(the Worker itself)';
  const [scope, name] = path.slice(inModules + 'node_modules/'.length).split('/');
  return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
}

export async function measureWorkerBundle(project: string, entry: string): Promise<BundleSize> {
  const result = await build({ ...workerBuildOptions(project, entry), minify: true, write: false, metafile: true });
  const code = result.outputFiles[0]!.contents;
  const byPackage: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      byPackage[packageOf(path)] = (byPackage[packageOf(path)] ?? 0) + input.bytesInOutput;
    }
  }
  return { minified: code.byteLength, gzipped: gzipSync(code).byteLength, byPackage };
}
