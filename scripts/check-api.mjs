#!/usr/bin/env node
// The public API of every publishable package, one API Extractor report per entry point
// (`packages/<name>/api/<entry>.api.md`, committed). `pnpm test` runs this in check mode: any
// change to what an entry point exports fails until the report is updated with
// `pnpm api:update` and the new report is reviewed with the change. Run after `pnpm build`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { publishablePackages } from './publishable-packages.mjs';

const update = process.argv.includes('--update');
const temp = mkdtempSync(join(tmpdir(), 'mcp-warden-api-'));
let failed = 0;

try {
  for (const pkg of publishablePackages()) {
    for (const [subpath, conditions] of Object.entries(pkg.manifest.exports)) {
      if (subpath === './package.json') continue;
      const entry = subpath === '.' ? 'index' : subpath.slice(2);
      const reportFolder = join(pkg.dir, 'api');
      mkdirSync(reportFolder, { recursive: true });
      const config = ExtractorConfig.prepare({
        configObjectFullPath: join(pkg.dir, 'api-extractor.json'),
        packageJsonFullPath: join(pkg.dir, 'package.json'),
        configObject: {
          projectFolder: pkg.dir,
          mainEntryPointFilePath: join(pkg.dir, conditions.import.types),
          compiler: {
            overrideTsconfig: {
              compilerOptions: {
                target: 'ES2022',
                module: 'ESNext',
                moduleResolution: 'bundler',
                lib: ['ES2023', 'DOM'],
                types: ['node'],
                typeRoots: [
                  join(pkg.dir, 'node_modules', '@types'),
                  join(import.meta.dirname, '..', 'node_modules', '@types'),
                ],
                skipLibCheck: true,
                strict: true,
              },
              files: [join(pkg.dir, conditions.import.types)],
            },
          },
          apiReport: {
            enabled: true,
            reportFolder,
            reportTempFolder: temp,
            reportFileName: entry,
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            extractorMessageReporting: {
              // Release tags (@public, @beta) are not used: an entry point's exports are its API.
              'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
            },
          },
        },
      });
      const result = Extractor.invoke(config, { localBuild: update, messageCallback: quiet });
      const name = `${pkg.name}${subpath === '.' ? '' : subpath.slice(1)}`;
      if (result.succeeded) {
        console.log(`check-api: ${name} ${result.apiReportChanged ? 'report updated' : 'ok'}`);
      } else {
        failed++;
        console.error(
          `check-api: ${name}: the public API changed (or the report is missing); review the change, then run \`pnpm api:update\` and commit packages/${pkg.dir.split('/').pop()}/api/${entry}.api.md`,
        );
      }
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (failed > 0) process.exitCode = 1;

/** Only what needs attention: API Extractor's progress lines say nothing when all is well. */
function quiet(message) {
  if (message.logLevel === ExtractorLogLevel.Info || message.logLevel === ExtractorLogLevel.Verbose) {
    message.handled = true;
  }
}
