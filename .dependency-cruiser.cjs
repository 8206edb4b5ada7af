// Architecture rules, checked by `pnpm test` (`pnpm check:architecture`). Each rule says why;
// docs/architecture.md describes the layout they protect.
/** Test files and fixtures: they may start real servers and use any framework. */
const TESTS = '(\\.test\\.ts$|/__fixtures__/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and modules impossible to read one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-and-metadata-know-no-web-framework',
      severity: 'error',
      comment:
        'core and metadata run on any runtime with Web APIs: no web framework, no node:http (the built output is checked too, by scripts/dist-boundaries.test.ts).',
      from: { path: '^packages/(core|metadata)/src/', pathNot: TESTS },
      to: {
        // Resolved into node_modules, or named bare when the package does not even depend on it.
        path: '(^|/)node_modules/(express|fastify|fastify-plugin|hono|@hono/node-server)/|^(express|fastify|fastify-plugin|hono|@hono/node-server)(/|$)|^(http|https|http2)$',
      },
    },
    {
      name: 'adapters-use-only-the-adapter-entry-of-core',
      severity: 'error',
      comment:
        'An adapter is glue: everything it may call is in @mcp-warden/core/adapter. The main entry is for applications.',
      from: { path: '^packages/(express|fastify|hono)/src/', pathNot: TESTS },
      to: { path: '^packages/core/', pathNot: '^packages/core/dist/adapter\\.' },
    },
    {
      name: 'redis-store-knows-no-web-framework',
      severity: 'error',
      comment:
        'The Redis store serves an authenticator under any framework: it knows none, and of core only the main entry (the SharedStore and Logger types).',
      from: { path: '^packages/redis/src/', pathNot: TESTS },
      to: {
        path: '(^|/)node_modules/(express|fastify|fastify-plugin|hono|@hono/node-server)/|^(express|fastify|fastify-plugin|hono|@hono/node-server)(/|$)|^(http|https|http2)$|^packages/core/dist/adapter\\.',
      },
    },
    {
      name: 'no-reaching-into-another-package',
      severity: 'error',
      comment:
        "A package is used through its published entry points, never through another package's source files (relative paths or @mcp-warden/x/src/...).",
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/', pathNot: '^packages/$1/' },
    },
    {
      name: 'apps-use-published-entry-points',
      severity: 'error',
      comment:
        "The reference server and the benchmarks use the packages as users do. A package's test fixtures (a real redis-server for tests) may be shared with the end-to-end tests: they are never published.",
      from: { path: '^(apps/[^/]+|bench)/' },
      to: { path: '^packages/[^/]+/src/', pathNot: '^packages/[^/]+/src/__fixtures__/' },
    },
  ],
  options: {
    // Dependencies and built output are checked where they are imported, never cruised themselves.
    doNotFollow: { path: ['node_modules', '(^|/)dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'types', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
