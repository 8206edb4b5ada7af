/**
 * The CLI's work, separate from the process wiring in `cli.ts` so tests can run it in-process:
 * read the configuration, start the issuer, print the banner.
 *
 * @module
 */
import { formatBanner } from './cli-banner.js';
import { parseCliArguments, USAGE } from './cli-options.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';
import type { DevIssuerLogger, DevIssuerLogLevel } from './logger.js';
import { DevIssuerOptionsError } from './options.js';

/** Where the CLI writes. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Either a running issuer, or the exit code to leave with. */
export type CliOutcome = { issuer: DevIssuer } | { exitCode: number };

function stderrLogger(io: CliIo, verbose: boolean): DevIssuerLogger {
  const write = (level: DevIssuerLogLevel) => (fields: Record<string, unknown>, message: string) => {
    const detail = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    io.stderr.write(`[dev-issuer] ${level}: ${message}${detail}\n`);
  };
  return {
    ...(verbose ? { debug: write('debug') } : {}),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

/** Runs the CLI with `argv` (without the node and script paths) and `env`. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<CliOutcome> {
  const request = parseCliArguments(argv, env);
  if (request.kind === 'help') {
    io.stdout.write(USAGE);
    return { exitCode: 0 };
  }
  if (request.kind === 'invalid') {
    io.stderr.write(
      `mcp-warden-dev-issuer: invalid configuration:\n${request.problems.map((p) => `  - ${p}\n`).join('')}`,
    );
    io.stderr.write('Run mcp-warden-dev-issuer --help for the options.\n');
    return { exitCode: 1 };
  }
  try {
    const issuer = await createDevIssuer({ ...request.options, logger: stderrLogger(io, request.verbose) });
    io.stdout.write(formatBanner(issuer, request.options.accessTokenFormat ?? 'jwt'));
    return { issuer };
  } catch (error) {
    if (error instanceof DevIssuerOptionsError) {
      io.stderr.write(
        `mcp-warden-dev-issuer: invalid configuration:\n${error.problems.map((p) => `  - ${p}\n`).join('')}`,
      );
    } else {
      io.stderr.write(`mcp-warden-dev-issuer: ${(error as Error).message}\n`);
    }
    return { exitCode: 1 };
  }
}
