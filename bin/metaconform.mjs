#!/usr/bin/env node
// Entry point of the `metaconform` command (bin/load.mjs: a cached bundle of the TypeScript sources).
import { load } from './load.mjs';

const { main } = await load('cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
