import { defineConfig } from 'tsup';

// The harness and the server scripts it starts as child processes: plain ESM entry points run by
// Node 20 (which cannot run TypeScript itself). Libraries stay external so every server loads the
// same published code a user would.
export default defineConfig({
  entry: ['src/run.ts', 'src/servers/serve-*.ts', 'src/micro/micro-benchmark.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  splitting: false,
  skipNodeModulesBundle: true,
});
