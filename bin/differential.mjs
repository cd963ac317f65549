#!/usr/bin/env node
// Entry point of `npm run differential`: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../differential/cli.ts');
process.exitCode = await main();
