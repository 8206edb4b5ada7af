import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.config.base';

// An application, not a library: one ESM entry, no declarations.
export default defineConfig(libraryBuild({ entry: ['src/main.ts'], format: ['esm'], dts: false }));
