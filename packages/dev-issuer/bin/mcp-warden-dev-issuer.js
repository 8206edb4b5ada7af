#!/usr/bin/env node
// The command's entry point is committed, unlike the build output it loads, so that package
// managers can link the command in a fresh clone before the first build.
import '../dist/cli.js';
