/**
 * The start-up contract between a benchmark server and the runner: one `listening on` line once
 * the port accepts connections (the same line apps/server prints), and a clean exit on SIGTERM
 * so `node --cpu-prof` can write its profile.
 *
 * @module
 */

/** How many pending connections the listen socket queues: the cold-start test opens 1,000 at once. */
export const LISTEN_BACKLOG = 2048;

/** Prints the listening line and exits cleanly on SIGTERM/SIGINT after `close`. */
export function announce(port: number, close: () => Promise<unknown>): void {
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  const stop = () => {
    const force = setTimeout(() => process.exit(0), 2000);
    force.unref();
    close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
