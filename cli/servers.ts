import { randomBytes } from 'node:crypto';
import { InfrastructureError } from '../lib/errors.ts';
import type { HttpClient } from '../lib/http/client.ts';
import { describeExchange, json } from '../lib/http/exchange.ts';
import type { BootSettings } from '../lib/config/load.ts';

/** Every resource a run creates is named with this prefix and the run's ID, so `cleanup` can find leftovers. */
export const NAME_PREFIX = 'metaconform-';

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** The microversion that allows `"networks": "none"` and names servers' networks explicitly. */
const BOOT_MICROVERSION = '2.37';

/**
 * Boots one small server named metaconform-<runId> and waits for ACTIVE (bounded, with progress); an ERROR
 * state or the timeout is an infrastructure error after the server is deleted again.
 */
export async function bootServer(http: HttpClient, base: string, runId: string, s: BootSettings, log: (line: string) => void): Promise<string> {
  const headers = { 'OpenStack-API-Version': `compute ${BOOT_MICROVERSION}` };
  const networks = !s.network || s.network === 'none' ? 'none' : [{ uuid: s.network }];
  const name = `${NAME_PREFIX}${runId}`;
  const created = await http.send('POST', `${base}/servers`, { headers, json: { server: { name, flavorRef: s.flavor, imageRef: s.image, networks } } });
  const id = (json(created) as { server?: { id?: string } } | undefined)?.server?.id;
  if (created.response.status !== 202 || !id) throw new InfrastructureError(`could not boot a server: ${describeExchange(created)}`);
  log(`metaconform: booting server ${name} (${id}), waiting up to ${s.timeoutSeconds} s for ACTIVE`);
  const deadline = Date.now() + s.timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const ex = await http.send('GET', `${base}/servers/${encodeURIComponent(id)}`, { headers });
    const server = (json(ex) as { server?: { status?: string; fault?: { message?: string } } } | undefined)?.server;
    const status = server?.status ?? `HTTP ${ex.response.status}`;
    if (status !== last) log(`metaconform: server ${name} is ${status}`);
    last = status;
    if (status === 'ACTIVE') return id;
    if (status === 'ERROR' || Date.now() > deadline) {
      await deleteServer(http, base, id, s.timeoutSeconds, log).catch(() => undefined);
      throw new InfrastructureError(status === 'ERROR' ? `the booted server went to ERROR: ${server?.fault?.message ?? 'no fault message'}` : `the booted server was not ACTIVE within ${s.timeoutSeconds} s (last status ${status})`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Deletes a server and waits until it is gone (bounded). */
export async function deleteServer(http: HttpClient, base: string, id: string, timeoutSeconds: number, log: (line: string) => void): Promise<void> {
  const url = `${base}/servers/${encodeURIComponent(id)}`;
  const del = await http.send('DELETE', url);
  if (del.response.status !== 204 && del.response.status !== 404) throw new InfrastructureError(`could not delete server ${id}: ${describeExchange(del)}`);
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if ((await http.send('GET', url)).response.status === 404) {
      log(`metaconform: deleted server ${id}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new InfrastructureError(`server ${id} was still there ${timeoutSeconds} s after DELETE`);
}

/** Servers whose name marks them as created by a metaconform run. */
export async function findLeftovers(http: HttpClient, base: string): Promise<{ id: string; name: string }[]> {
  const ex = await http.send('GET', `${base}/servers?name=${encodeURIComponent(`^${NAME_PREFIX}`)}`);
  if (ex.response.status !== 200) throw new InfrastructureError(`could not list servers: ${describeExchange(ex)}`);
  const servers = (json(ex) as { servers?: { id: string; name: string }[] } | undefined)?.servers ?? [];
  // the name filter is a regular expression on Nova, a substring match elsewhere: check the prefix here
  return servers.filter((s) => s.name.startsWith(NAME_PREFIX));
}
