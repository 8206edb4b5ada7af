#!/usr/bin/env node
/**
 * The `mcp-warden-dev-issuer` binary: starts a development issuer from flags and environment,
 * prints where it is and how to get a token, and stops cleanly on SIGINT/SIGTERM.
 *
 * @module
 */
import { runCli } from './run-cli.js';

runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }).then(
  (outcome) => {
    if ('exitCode' in outcome) {
      process.exitCode = outcome.exitCode;
      return;
    }
    const stop = () => {
      outcome.issuer.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (error: unknown) => {
    process.stderr.write(`mcp-warden-dev-issuer: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
