#!/usr/bin/env node
// Proves every publishable package works when installed on its own, the way a user gets it:
//  1. `pnpm pack` each package (workspace: ranges become real versions) and check the tarball
//     holds only dist, README, LICENSE and package.json;
//  2. publint and @arethetypeswrong/cli on each tarball;
//  3. install the tarballs with npm into a temporary project outside the workspace, then
//     import (ESM), require (CJS) and type-check a TypeScript consumer under
//     moduleResolution node16 and bundler, for every entry point of every package (the main
//     entry and each subpath of its `exports` map, e.g. `@mcp-warden/core/adapter`);
//  4. each package README with a readme-example marker: its install line installed into a scratch
//     project of its own and its example run against real requests (readme-examples.mjs).
// Run after `pnpm build`. Exits non-zero on the first failing step.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishablePackages, repoRoot } from './publishable-packages.mjs';
import { installArguments, readmeExample, runExample, scratchProject } from './readme-examples.mjs';

const packages = publishablePackages();
const work = mkdtempSync(join(tmpdir(), 'mcp-warden-pack-'));
const tarballDir = join(work, 'tarballs');
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });

async function asyncStep(title, fn) {
  process.stdout.write(`check-packages: ${title} ... `);
  try {
    await fn();
    process.stdout.write('ok\n');
  } catch (error) {
    process.stdout.write('FAILED\n');
    const out = [error.stdout, error.stderr].filter(Boolean).join('\n');
    console.error(out || error.message);
    process.exitCode = 1;
    throw error;
  }
}

function step(title, fn) {
  process.stdout.write(`check-packages: ${title} ... `);
  try {
    fn();
    process.stdout.write('ok\n');
  } catch (error) {
    process.stdout.write('FAILED\n');
    const out = [error.stdout, error.stderr].filter(Boolean).join('\n');
    console.error(out || error.message);
    process.exitCode = 1;
    throw error;
  }
}

/**
 * The entry points of a package's `exports` map (`./package.json` aside), each with the files its
 * `import` and `require` conditions point at, as paths inside the tarball.
 */
function entryPoints(pkg) {
  return Object.entries(pkg.manifest.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, conditions]) => {
      for (const condition of ['import', 'require']) {
        if (Object.keys(conditions[condition] ?? {})[0] !== 'types') {
          throw new Error(`${pkg.name} exports["${subpath}"].${condition} must list "types" first`);
        }
      }
      return {
        specifier: subpath === '.' ? pkg.name : `${pkg.name}${subpath.slice(1)}`,
        import: `package/${conditions.import.default.replace(/^\.\//, '')}`,
        require: `package/${conditions.require.default.replace(/^\.\//, '')}`,
      };
    });
}

const allowedInTarball = (file) =>
  file === 'package/package.json' ||
  file === 'package/LICENSE' ||
  file === 'package/README.md' ||
  file.startsWith('package/bin/') ||
  file.startsWith('package/dist/');

try {
  const tarballs = {};
  for (const pkg of packages) {
    step(`pack ${pkg.name}`, () => {
      if (!existsSync(join(pkg.dir, 'LICENSE'))) copyFileSync(join(repoRoot, 'LICENSE'), join(pkg.dir, 'LICENSE'));
      run('pnpm', ['pack', '--pack-destination', tarballDir], { cwd: pkg.dir });
      const file = readdirSync(tarballDir).find(
        (f) => f.startsWith(`${pkg.name.replace('@', '').replace('/', '-')}-`) && f.endsWith('.tgz'),
      );
      if (!file) throw new Error(`no tarball for ${pkg.name}`);
      tarballs[pkg.name] = join(tarballDir, file);
      const listing = run('tar', ['-tzf', tarballs[pkg.name]]).trim().split('\n');
      const unexpected = listing.filter((f) => !allowedInTarball(f));
      if (unexpected.length > 0) throw new Error(`unexpected files in tarball: ${unexpected.join(', ')}`);
      const entryFiles = entryPoints(pkg).flatMap((entry) => [entry.import, entry.require]);
      for (const required of ['package/README.md', 'package/LICENSE', ...entryFiles]) {
        if (!listing.includes(required)) throw new Error(`${required} missing from tarball`);
      }
    });
    step(`publint ${pkg.name}`, () => run(bin('publint'), ['run', tarballs[pkg.name], '--strict']));
    step(`attw ${pkg.name}`, () => run(bin('attw'), [tarballs[pkg.name], '--format', 'ascii']));
  }

  const consumer = join(work, 'consumer');
  step('npm install the tarballs into a project outside the workspace', () => {
    run('mkdir', ['-p', consumer]);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
    const peers = new Set();
    for (const pkg of packages) for (const peer of Object.keys(pkg.manifest.peerDependencies ?? {})) peers.add(peer);
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...Object.values(tarballs), ...peers], {
      cwd: consumer,
    });
  });

  // Every entry point a user can import: `@mcp-warden/core`, `@mcp-warden/core/adapter`, …
  const names = packages.flatMap((pkg) => entryPoints(pkg).map((entry) => entry.specifier));
  step('import every package (ESM)', () => {
    const body = names
      .map((n, i) => `import * as m${i} from '${n}';\nif (Object.keys(m${i}).length === 0) throw new Error('${n}');`)
      .join('\n');
    writeFileSync(join(consumer, 'esm.mjs'), body);
    run('node', ['esm.mjs'], { cwd: consumer });
  });
  step('require every package (CJS)', () => {
    const body = names.map((n) => `if (Object.keys(require('${n}')).length === 0) throw new Error('${n}');`).join('\n');
    writeFileSync(join(consumer, 'cjs.cjs'), body);
    run('node', ['cjs.cjs'], { cwd: consumer });
  });
  for (const resolution of ['node16', 'bundler']) {
    step(`type-check a TypeScript consumer (moduleResolution ${resolution})`, () => {
      const body = names
        .map((n, i) => `import * as m${i} from '${n}';\nexport const k${i} = Object.keys(m${i});`)
        .join('\n');
      writeFileSync(join(consumer, 'consumer.mts'), body);
      const files = ['consumer.mts'];
      if (resolution === 'node16') {
        // CommonJS consumers resolve the `require` condition and its .d.cts declarations.
        const cjsBody = names
          .map((n, i) => `import m${i} = require('${n}');\nexport const k${i} = Object.keys(m${i});`)
          .join('\n');
        writeFileSync(join(consumer, 'consumer.cts'), cjsBody);
        files.push('consumer.cts');
      }
      const module = resolution === 'node16' ? 'node16' : 'esnext';
      run(
        bin('tsc'),
        [
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--target',
          'es2022',
          '--module',
          module,
          '--moduleResolution',
          resolution,
          '--types',
          'node',
          '--typeRoots',
          join(repoRoot, 'node_modules', '@types'),
          ...files,
        ],
        { cwd: consumer },
      );
    });
  }
  for (const pkg of packages) {
    const example = readmeExample(readFileSync(join(pkg.dir, 'README.md'), 'utf8'));
    if (example === undefined) continue;
    const dir = join(work, `readme-${pkg.name.split('/')[1]}`);
    step(`${pkg.name} README: ${example.installLine}`, () => {
      scratchProject(dir);
      run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--loglevel=error', ...installArguments(example.packages, tarballs)],
        {
          cwd: dir,
        },
      );
    });
    await asyncStep(`${pkg.name} README: the example answers 401 without credentials, 200 with an API key`, () =>
      runExample(dir, example.code),
    );
  }
  console.log(`check-packages: ${packages.length} packages passed`);
} catch {
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
