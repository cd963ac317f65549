#!/usr/bin/env node
// Starts the embedded reference implementation on its own (see reference/main.ts; bin/load.mjs loads it).
import { load } from './load.mjs';

await load('reference/main.ts');
