// Measures how a front end treats kept-alive connections, with the project's own HTTP client (undici).
//
//   node targets/nova/probe/keepalive.mjs URL TOKEN [CONNECTIONS] [REQUESTS_PER_CONNECTION] [METHODS]
//
// CONNECTIONS kept-alive connections (one undici Agent, at most that many sockets), each sending
// REQUESTS_PER_CONNECTION requests one after the other, all connections at once. METHODS is a comma list
// cycled through per request (GET by default; e.g. "GET,PUT,DELETE" on an item URL, to see a 204 in the
// mix). Prints, as JSON: the responses, the errors (code, message, and whether they came before any response
// byte: before the status line, or while the body was read), the sockets opened, and the slowest requests
// (a stall behind a busy worker shows there).
import { Agent, request } from 'undici';

const [url, token, conns = '1', per = '50', methodList = 'GET'] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node keepalive.mjs URL TOKEN [CONNECTIONS] [REQUESTS_PER_CONNECTION] [METHODS]');
  process.exit(2);
}
const connections = Number(conns);
const perConnection = Number(per);
const methods = methodList.split(',');
const agent = new Agent({ keepAliveTimeout: 10_000, connections });
let sockets = 0;
agent.on('connect', () => sockets++);

const results = [];
async function one(lane, i) {
  const method = methods[i % methods.length];
  const started = performance.now();
  const body = method === 'PUT' ? JSON.stringify({ meta: { 'keepalive-probe': 'x' } }) : undefined;
  let stage = 'before any response byte';
  try {
    const res = await request(url, {
      method, dispatcher: agent, body,
      headers: { 'X-Auth-Token': token, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      headersTimeout: 60_000, bodyTimeout: 60_000,
    });
    stage = 'after the status line, while reading the body';
    await res.body.text();
    results.push({ lane, i, method, status: res.statusCode, ms: performance.now() - started });
  } catch (e) {
    results.push({ lane, i, method, error: `${e.code ?? e.cause?.code ?? e.name}: ${e.message}`, stage, ms: performance.now() - started });
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: connections }, async (_, lane) => {
  for (let i = 0; i < perConnection; i++) await one(lane, i);
}));
const wall = performance.now() - t0;
await agent.close();

const errors = results.filter((r) => r.error);
const statuses = {};
for (const r of results) if (r.status) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5).map((r) => ({ lane: r.lane, i: r.i, method: r.method, ms: Math.round(r.ms) }));
const byError = {};
for (const e of errors) byError[`${e.error} (${e.stage})`] = (byError[`${e.error} (${e.stage})`] ?? 0) + 1;
console.log(JSON.stringify({
  url: url.replace(/\/servers\/[^/]+/, '/servers/…'), connections, perConnection, methods, wallMs: Math.round(wall),
  responses: statuses, errors: errors.length, byError, socketsOpened: sockets,
  medianMs: Math.round([...results].map((r) => r.ms).sort((a, b) => a - b)[Math.floor(results.length / 2)]),
  slowest,
}, null, 1));
