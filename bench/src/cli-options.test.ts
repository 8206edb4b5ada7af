// The bench command's file options: `pnpm bench` runs inside bench/, so relative paths must be
// read from where the command was typed, or a full run loses its results at the end.
import { expect, it } from 'vitest';
import { parseCliOptions } from './cli-options.js';

it('reads relative file paths from the directory the command was typed in', () => {
  const cli = parseCliOptions(
    ['--notes', 'bench/NOTES.md', '--json', 'out/run.json', '--out', '/tmp/results.md', '--from-json', 'r.json'],
    '/repo/bench',
    undefined,
    '/repo',
  );
  expect(cli.notes).toBe('/repo/bench/NOTES.md');
  expect(cli.json).toBe('/repo/out/run.json');
  expect(cli.out).toBe('/tmp/results.md');
  expect(cli.fromJson).toBe('/repo/r.json');
  expect(cli.bench.command).toBe('pnpm bench');
});

it('writes RESULTS.md next to the harness by default', () => {
  expect(parseCliOptions([], '/repo/bench', undefined, '/elsewhere').out).toBe('/repo/bench/RESULTS.md');
  expect(parseCliOptions(['--quick'], '/repo/bench', undefined, '/elsewhere').out).toBe('/repo/bench/RESULTS.quick.md');
});
