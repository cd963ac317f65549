#!/usr/bin/env node
// Entry point of `npm run differential` (bin/load.mjs: a cached bundle of the TypeScript sources).
import { load } from './load.mjs';

const { main } = await load('differential/cli.ts');
process.exitCode = await main();
