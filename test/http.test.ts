import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { InfrastructureError } from '../lib/errors.ts';
import { HttpClient } from '../lib/http/client.ts';
import { connectionFacts } from '../lib/http/connections.ts';
import { Limiter, retryAfterSeconds } from '../lib/http/limit.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A local server answering with the given (status, headers) in turn; returns its URL and the tokens it saw. */
async function serve(answers: [number, Record<string, string>][]): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  let i = 0;
  server = createServer((req, res) => {
    seen.push(String(req.headers['x-auth-token']));
    const [status, headers] = answers[Math.min(i++, answers.length - 1)]!;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end('{}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/x`, seen };
}

describe('HTTP client', () => {
  test('waits out a 429 with Retry-After, then answers', async () => {
    const { url } = await serve([[429, { 'retry-after': '1' }], [200, {}]]);
    const started = Date.now();
    const ex = await new HttpClient({ token: 't', timeoutMs: 5000 }).send('GET', url);
    expect(ex.response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test('a Retry-After beyond the bound is no verdict, not a wait', async () => {
    const { url } = await serve([[429, { 'retry-after': '3600' }]]);
    await expect(new HttpClient({ token: 't', timeoutMs: 5000 }).send('GET', url)).rejects.toThrow(InfrastructureError);
  });

  test('a 413 without Retry-After is an answer (quota, body size), not rate limiting', async () => {
    const { url } = await serve([[413, {}]]);
    expect((await new HttpClient({ token: 't', timeoutMs: 5000 }).send('GET', url)).response.status).toBe(413);
  });

  test('a 401 renews the token once and resends; an explicit or absent token is never renewed', async () => {
    const { url, seen } = await serve([[401, {}], [200, {}], [401, {}], [401, {}]]);
    let token = 'old-token';
    const client = new HttpClient({ token: 'unused', tokenSource: () => token, renewToken: async () => (token = 'new-token'), timeoutMs: 5000 });
    expect((await client.send('GET', url)).response.status).toBe(200);
    expect(seen).toEqual(['old-token', 'new-token']);
    expect((await client.send('GET', url, { headers: { 'X-Auth-Token': 'bad' } })).response.status).toBe(401);
    expect((await client.send('GET', url, { anonymous: true })).response.status).toBe(401);
    expect(seen.length).toBe(4);
  });

  test('once its signal is aborted (the test timed out) a client sends nothing more', async () => {
    const { url, seen } = await serve([[200, {}]]);
    const stop = new AbortController();
    const http = new HttpClient({ token: 'tok', timeoutMs: 2000, signal: stop.signal });
    expect((await http.send('GET', url)).response.status).toBe(200);
    stop.abort('the test timed out');
    await expect(http.send('GET', url)).rejects.toThrow(InfrastructureError);
    await expect(http.send('GET', url)).rejects.toThrow(/not sent, the test timed out/);
    expect(seen).toHaveLength(1);
  });

  test('a request that times out while others to the target were answered says the target may serve fewer connections', async () => {
    server = createServer((req, res) => {
      if (req.url === '/hang') return; // never answered, like a request queued behind a busy worker
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const root = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const hung = (max: number) => {
      const http = new HttpClient({ token: 't', timeoutMs: 300, limiter: new Limiter(max) });
      const hanging = http.send('GET', `${root}/hang`).then(() => 'answered', (e: Error) => e.message);
      return { http, hanging };
    };
    const two = hung(2);
    await two.http.send('GET', `${root}/ok`);
    expect(await two.hanging).toMatch(/timed out while 1 other request\(s\) to the target were answered: .*METACONFORM_CONCURRENCY=2/);
    const one = hung(1);
    expect(await one.hanging).toMatch(/timed out$/);
    server.closeAllConnections();
  });

  test('a front end that ties each of its workers to one kept-alive connection (uwsgi http11-socket) answers every lane in time', async () => {
    // uwsgi's http11-socket with 2 workers: a worker takes the oldest connection not yet taken and answers its
    // requests, one at a time, until the client closes it or it idles 4 s; a connection no worker has taken waits
    // unanswered (the listen queue). Every request a worker takes is answered within 10 ms.
    const WORKERS = 2;
    const served = new Set<Socket>();
    const queued: Socket[] = [];
    const held = new Map<Socket, (() => void)[]>();
    let processed = 0;
    const answer = (res: ServerResponse) =>
      setTimeout(() => {
        processed++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, 2 + Math.random() * 8);
    server = createServer((req, res) => {
      if (served.has(req.socket)) return answer(res);
      held.set(req.socket, [...(held.get(req.socket) ?? []), () => answer(res)]);
    });
    server.keepAliveTimeout = 4_000;
    const take = () => {
      while (served.size < WORKERS && queued.length) {
        const next = queued.shift()!;
        if (next.destroyed) continue;
        served.add(next);
        for (const go of held.get(next) ?? []) go();
        held.delete(next);
      }
    };
    server.on('connection', (socket) => {
      queued.push(socket);
      socket.on('close', () => {
        served.delete(socket);
        held.delete(socket);
        take();
      });
      take();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/x`;
    // as in a run: one adaptive limiter (METACONFORM_CONCURRENCY 4) for the target's three lanes
    const http = new HttpClient({ token: 't', timeoutMs: 6_000, limiter: new Limiter(4, true) });
    let sent = 0;
    // three lanes (server, image, fixture servers), each doing a test's work between its requests, for 5 s
    const until = performance.now() + 5_000;
    const lane = async () => {
      let slowest = 0;
      while (performance.now() < until) {
        const t = performance.now();
        sent++;
        expect((await http.send('GET', url)).response.status).toBe(200);
        slowest = Math.max(slowest, performance.now() - t);
        await new Promise((r) => setTimeout(r, 1 + Math.random() * 4));
      }
      return slowest;
    };
    const slowest = await Promise.all([lane(), lane(), lane()]);
    // answered well within the timeout, and not by waiting for a held connection to idle out (4 s)
    for (const ms of slowest) expect(ms).toBeLessThan(3_500);
    // each request reached the server once
    expect(processed).toBe(sent);
    // the client saw a request queued behind its kept-alive connections, and no longer keeps connections alive there
    expect(connectionFacts(url).tiesWorkers).toBe(true);
    server.closeAllConnections();
  });

  test('a request merely slow on a keep-alive server leaves its connections kept alive', async () => {
    let connections = 0;
    let slowSent = false;
    server = createServer((req, res) => {
      const slow = req.url === '/slow';
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), slow ? 2_600 : 2 + Math.random() * 8);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const root = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const http = new HttpClient({ token: 't', timeoutMs: 6_000, limiter: new Limiter(4, true) });
    const until = performance.now() + 3_500;
    const lane = async (first: boolean) => {
      while (performance.now() < until) {
        const path = first && !slowSent ? ((slowSent = true), '/slow') : '/x';
        expect((await http.send('GET', `${root}${path}`)).response.status).toBe(200);
        await new Promise((r) => setTimeout(r, 1 + Math.random() * 4));
      }
    };
    await Promise.all([lane(true), lane(false), lane(false)]);
    expect(connectionFacts(root).tiesWorkers).toBe(false);
    // kept alive: a few connections for hundreds of requests (its suspicion released them once)
    expect(connections).toBeLessThan(20);
    server.closeAllConnections();
  });

  test('5xx is an infrastructure error unless the caller accepts it', async () => {
    const { url } = await serve([[503, {}], [500, {}]]);
    const client = new HttpClient({ token: 't', timeoutMs: 5000 });
    await expect(client.send('GET', url)).rejects.toThrow(/server error, no verdict/);
    expect((await client.send('GET', url, { allow5xx: true })).response.status).toBe(500);
  });
});

describe('limits', () => {
  test('Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('5')).toBe(5);
    expect(retryAfterSeconds(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThanOrEqual(9);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(undefined)).toBeUndefined();
  });

  test('a request that timed out while others were answered lowers the adaptive bound for good', () => {
    const limiter = new Limiter(4, true);
    for (let i = 0; i < 40; i++) limiter.observe('answered', 10);
    expect(limiter.limit).toBe(4);
    limiter.observe('timed out');
    expect(limiter.limit).toBe(3);
    for (let i = 0; i < 200; i++) limiter.observe('answered', 10);
    expect(limiter.limit).toBe(3);
    expect(limiter.changes.at(-1)?.[2]).toMatch(/timed out/);
  });

  test('the limiter never lets more than its bound run at once', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limiter.run(async () => {
          peak = Math.max(peak, ++running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});
