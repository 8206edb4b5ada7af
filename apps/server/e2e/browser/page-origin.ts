/**
 * The web client's own origin for the browser test: `page-script.ts` bundled for the browser with
 * esbuild (the official MCP client included, as a web app would ship it) and served with a page
 * from a plain HTTP server on 127.0.0.1, a different origin from the MCP server under test.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface PageOrigin {
  /** `http://127.0.0.1:PORT`, the origin the page runs in. */
  url: string;
  close(): Promise<void>;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mcp-warden browser client</title></head>
<body><script type="module" src="/page.js"></script></body></html>`;

/** Bundles the page script (ESM, for the browser). */
export async function bundlePageScript(): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, 'page-script.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no bundle for the page script');
  return output.text;
}

/** Serves the page and its bundled script on 127.0.0.1 until closed. */
export async function startPageOrigin(script: string): Promise<PageOrigin> {
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
