import { openSession } from '../lib/auth/session.ts';
import { apiBases } from '../lib/config/endpoint.ts';
import type { RunConfig } from '../lib/config/load.ts';
import { EXIT } from '../lib/errors.ts';
import { HttpClient } from '../lib/http/client.ts';
import { deleteServer, findLeftovers, NAME_PREFIX } from './servers.ts';

/** `metaconform cleanup [--yes]`: lists (or, with --yes, deletes) servers left behind by earlier runs. */
export async function runCleanup(config: RunConfig, yes: boolean, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  if (config.target.kind !== 'endpoint') {
    log('metaconform cleanup: nothing to do for the embedded reference (configure a cloud, see .env.example)');
    return EXIT.CONFORMANT;
  }
  const session = await openSession(config.target, config.timeoutMs);
  const base = apiBases(session.endpoint, session.projectId)['v2.1'];
  const http = new HttpClient({ token: session.token, timeoutMs: config.timeoutMs });
  const leftovers = await findLeftovers(http, base);
  if (!leftovers.length) {
    log(`metaconform cleanup: no server named ${NAME_PREFIX}* in project ${session.projectId}`);
    return EXIT.CONFORMANT;
  }
  for (const s of leftovers) log(`${yes ? 'deleting' : 'would delete'} server ${s.name} (${s.id})`);
  if (!yes) {
    log(`metaconform cleanup: dry run, nothing deleted; run 'metaconform cleanup --yes' to delete ${leftovers.length} server(s)`);
    return EXIT.CONFORMANT;
  }
  for (const s of leftovers) await deleteServer(http, base, s.id, 600, log);
  return EXIT.CONFORMANT;
}
