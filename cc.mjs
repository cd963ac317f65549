import { request, Agent } from '/work/main/node_modules/undici/index.js';
import { readFileSync } from 'node:fs';
const dir = process.argv[2];
const url = process.argv[3];
try { await request(url, { dispatcher: new Agent({ connect: { ca: readFileSync(dir + '/ca.pem') } }) }); console.log('ok'); } catch (e) { console.log('ERR', e.code, e.message, e.cause?.code, e.cause?.message); }
