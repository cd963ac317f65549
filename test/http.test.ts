import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { InfrastructureError } from '../lib/errors.ts';
import { HttpClient } from '../lib/http/client.ts';
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
