/**
 * How hard the suite pushes. `pnpm test` runs the short mode so CI stays within its budget;
 * `pnpm --filter @mcp-warden/server test:hardening` sets `HARDENING_FULL=1` for the figures
 * docs/security.md reports (docs/security.md: 60 s at 100 connections per framework).
 *
 * @module
 */

/** Whether the full mode was asked for. */
export const FULL = process.env.HARDENING_FULL === '1' || process.env.HARDENING_FULL === 'true';

/** Seconds of mixed traffic per framework. */
export const LOAD_SECONDS = Number(process.env.HARDENING_LOAD_SECONDS ?? (FULL ? 60 : 5));

/** Concurrent connections of the load run (docs/security.md: 100). */
export const LOAD_CONNECTIONS = 100;

/** Generated header/token cases per framework (docs/security.md: at least 10,000). */
export const FUZZ_CASES = Number(process.env.HARDENING_FUZZ_CASES ?? 10_000);

/** Where the suite writes the figures it measured (read when updating docs/security.md). */
export const REPORT_DIR = process.env.HARDENING_REPORT_DIR;
