#!/usr/bin/env node
// Entry point for `scimd` and `npx scimd`: runs the compiled command line.
// `npm install` compiles the TypeScript sources into dist/ through the prepare script.
import { runCli } from '../dist/cli/main.js';

await runCli(process.argv);
