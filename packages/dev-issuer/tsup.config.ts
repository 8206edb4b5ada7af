import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.config.base';

// The library, plus the `mcp-warden-dev-issuer` binary as a second entry.
export default defineConfig(libraryBuild({ entry: ['src/index.ts', 'src/cli.ts'] }));
