import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AUTH_NOT_ENFORCED, probeAuthentication } from '../cli/probe.ts';
import { MetadataClient } from '../lib/clients/metadata-client.ts';
import { HttpClient } from '../lib/http/client.ts';

/** A stand-in that answers token-less requests the way `answer` says, and records whether a token came. */
let server: Server;
let base: string;
let answer: { status: number; headers: Record<string, string> } = { status: 401, headers: {} };
const tokensSeen: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    tokensSeen.push(req.headers['x-auth-token'] as string | undefined);
    res.writeHead(answer.status, { 'content-length': '0', ...answer.headers });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2.1/0123456789abcdef`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function client(): MetadataClient {
  return new MetadataClient(new HttpClient({ token: 'secret-token', timeoutMs: 5000 }), base, 'servers', 'srv');
}

describe('authentication probe', () => {
  test("Nova noauth2 (204 + X-Server-Management-Url, fake token) is reported as not enforcing, without echoing the token", async () => {
    answer = { status: 204, headers: { 'x-auth-token': 'admin:admin', 'x-server-management-url': `${base}` } };
    const probe = await probeAuthentication(client());
    expect(probe.authEnforced).toBe(false);
    expect(probe.note).toContain(AUTH_NOT_ENFORCED);
    expect(probe.note).toContain('noauth2');
    expect(probe.note).not.toContain('admin:admin');
    expect(tokensSeen.at(-1)).toBeUndefined();
  });

  test('a 200 without a token is also not enforcing', async () => {
    answer = { status: 200, headers: {} };
    expect((await probeAuthentication(client())).authEnforced).toBe(false);
  });

  test('401 means enforced; anything else is undetermined', async () => {
    answer = { status: 401, headers: {} };
    expect((await probeAuthentication(client())).authEnforced).toBe(true);
    answer = { status: 404, headers: {} };
    expect((await probeAuthentication(client())).authEnforced).toBeUndefined();
  });
});
