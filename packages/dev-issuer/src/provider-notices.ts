/**
 * oidc-provider prints development notices straight to the console (at import on a Node.js release
 * that is not an LTS line it supports, and when built with development defaults). The development
 * issuer is development-only by design, so these notices are noise in an application's output;
 * they are routed to the issuer's logger at debug level instead. Only lines oidc-provider itself
 * writes are captured; anything else printed meanwhile passes through untouched.
 *
 * @module
 */
import { type DevIssuerLogger, log } from './logger.js';

// oidc-provider prefixes every notice this way, wrapped in ANSI colours when writing to a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ESC of those ANSI colour codes
const NOTICE = /^(?:\x1b\[[0-9;]*m)?oidc-provider (?:WARNING|NOTICE): (.*?)(?:\x1b\[[0-9;]*m)?$/s;

type ConsoleMethod = (...args: unknown[]) => void;

function capture(logger: DevIssuerLogger | undefined): () => void {
  const original = { warn: console.warn, info: console.info };
  const route =
    (fallback: ConsoleMethod): ConsoleMethod =>
    (...args) => {
      const match = typeof args[0] === 'string' && args.length === 1 ? NOTICE.exec(args[0]) : null;
      if (match) log(logger, 'debug', { source: 'oidc-provider' }, match[1] as string);
      else fallback.apply(console, args);
    };
  console.warn = route(original.warn);
  console.info = route(original.info);
  return () => {
    console.warn = original.warn;
    console.info = original.info;
  };
}

/** Runs `fn` synchronously with oidc-provider's console notices routed to `logger`. */
export function withProviderNoticesRouted<T>(logger: DevIssuerLogger | undefined, fn: () => T): T {
  const restore = capture(logger);
  try {
    return fn();
  } finally {
    restore();
  }
}

type OidcProviderModule = typeof import('oidc-provider');
let loading: Promise<OidcProviderModule> | undefined;

/**
 * Imports oidc-provider once, with the notice it prints at import time routed to `logger`. Loaded
 * lazily so that importing this package (ESM or CJS) costs nothing until an issuer is created.
 */
export function loadOidcProvider(logger: DevIssuerLogger | undefined): Promise<OidcProviderModule> {
  if (!loading) {
    const restore = capture(logger);
    loading = import('oidc-provider').finally(restore);
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
