import { defineConfig } from 'tsup';

// The harness and the server scripts it starts as child processes: plain ESM entry points that
// every supported Node.js line runs as they are (Node 22.12 runs no TypeScript file). Libraries stay
// external so every server loads the same published code a user would.
export default defineConfig({
  entry: [
    'src/run.ts',
    'src/instructions.ts',
    'src/servers/serve-*.ts',
    'src/micro/micro-benchmark.ts',
    'src/micro/dpop-micro.ts',
    'src/instructions/instruction-subject.ts',
  ],
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  splitting: false,
  skipNodeModulesBundle: true,
});
