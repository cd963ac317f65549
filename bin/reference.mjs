#!/usr/bin/env node
// Starts the embedded reference implementation on its own (see reference/main.ts).
import { register } from 'tsx/esm/api';

register();
await import('../reference/main.ts');
