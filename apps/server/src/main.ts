/**
 * `node apps/server/dist/main.js`: configuration from the environment (and `./.env` when
 * present), then the reference server. Exit code 1 with every problem listed when the
 * configuration cannot run.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '@mcp-warden/core';
import { devIssuerBanner } from './banner.js';
import { createLogger } from './logger.js';
import { loadServerConfig, type ServerConfig } from './server-config.js';
import { StartupError, startServer } from './start-server.js';

async function main(): Promise<void> {
  // Node's own .env loader (no dependency); variables already set in the environment win.
  if (existsSync('.env')) process.loadEnvFile('.env');

  let config: ServerConfig;
  try {
    config = loadServerConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError || (error as Error)?.name === 'ConfigError') {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.settings.logLevel);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    if (error instanceof StartupError || error instanceof ConfigError) {
      logger.fatal(error.message);
      process.stderr.write(`${error.message}\n`);
      logger.flush?.();
      process.exit(1);
    }
    throw error;
  }

  // Ready to shut down cleanly before saying so: a supervisor (or a test) may signal the process
  // as soon as it reads the listening line.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  // SIGHUP rotates the authorization server's signing key; earlier keys stay published, so no
  // signed-in MCP client is logged out (docs/providers.md, "Sign in with GitHub, Google or any
  // OpenID provider").
  const authorizationServer = server.authorizationServer;
  if (authorizationServer) {
    process.on('SIGHUP', () => {
      authorizationServer.rotateKeys().catch((error: unknown) => {
        logger.error({ err: error }, 'signing key rotation failed');
      });
    });
  }
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  // The banner first: whoever waits for the listening line (a supervisor, the end-to-end tests)
  // then has the banner too, whatever the logger buffers.
  if (server.devIssuer) process.stdout.write(devIssuerBanner(server.mcpUrl, server.devIssuer));
  logger.info(
    { mcp: server.mcpUrl },
    `mcp-warden reference server listening on ${server.url} (MCP endpoint ${server.mcpUrl})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`mcp-warden server failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
