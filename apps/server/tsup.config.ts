import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.config.base';

// An application, not a library: one ESM entry, no declarations. Split into chunks so each
// framework's builder, loaded with import() when MCP_HTTP_FRAMEWORK names it, stays out of the
// others' way: only the chosen framework is loaded.
export default defineConfig(libraryBuild({ entry: ['src/main.ts'], format: ['esm'], dts: false, splitting: true }));
