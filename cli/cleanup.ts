import { hostname } from 'node:os';
import { openSession } from '../lib/auth/session.ts';
import { apiBases } from '../lib/config/endpoint.ts';
import type { RunConfig } from '../lib/config/load.ts';
import { ConfigError, EXIT } from '../lib/errors.ts';
import { HttpClient } from '../lib/http/client.ts';
import { configureTls } from '../lib/http/connections.ts';
import { describeRun, journalPath, listJournals, readJournal, removeJournal, runIsAlive, type Journal } from './journal.ts';
import { markersIn, readTags, releaseMarker } from './marker.ts';
import { deleteServer, findLeftovers, NAME_PREFIX } from './servers.ts';
import { otherRunsOn, recordedLocks, undoRun } from './undo.ts';

export interface CleanupOptions {
  /** Act; without it, only say what would be done. */
  yes: boolean;
  /** A journal from elsewhere (e.g. the results folder of another machine) to undo. */
  journal?: string;
  /** Remove run markers (metaconform-run-* server tags) from METACONFORM_SERVER_ID: for a marker whose run is gone. */
  clearMarker: boolean;
}

function describeUndo(journal: Journal, file: string): string {
  const locks = recordedLocks(file);
  const what = [
    locks.length ? `unlock ${locks.map((l) => l.serverId).join(', ')}` : journal.snapshot.locked === false ? `unlock server ${journal.target.serverId} if a test left it locked` : undefined,
    journal.snapshot.server ? `restore the metadata of server ${journal.target.serverId} (${Object.keys(journal.snapshot.server).length} item(s))` : undefined,
    journal.snapshot.image ? `restore the properties of image ${journal.target.imageId}` : undefined,
    journal.snapshot.locked === true ? `lock server ${journal.target.serverId} again (it was locked before the run)` : undefined,
    journal.created.length ? `delete server(s) ${journal.created.join(', ')}` : undefined,
    journal.marker ? `remove the marker ${journal.marker}` : undefined,
  ].filter(Boolean);
  return what.join(', ') || 'nothing left to undo';
}

/**
 * `metaconform cleanup [--yes] [--journal FILE] [--clear-marker]`: what earlier runs left on this cloud — the
 * journals of runs that did not finish (their servers' original metadata, locks, markers), and servers named
 * `metaconform-*` — listed, or undone and deleted with --yes.
 */
export async function runCleanup(config: RunConfig, opts: CleanupOptions, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  if (config.target.kind !== 'endpoint') {
    log('metaconform cleanup: nothing to do for the embedded reference (configure a cloud, see .env.example)');
    return EXIT.CONFORMANT;
  }
  configureTls(config.tls);
  const session = await openSession(config.target, config.timeoutMs);
  const bases = apiBases(session.endpoint, session.projectId);
  const http = new HttpClient({ token: session.token, timeoutMs: config.timeoutMs });
  let status: number = EXIT.CONFORMANT;

  const journals = opts.journal ? [{ path: opts.journal, journal: readJournal(opts.journal) }] : listJournals(config.stateDir);
  for (const { path, journal } of journals) {
    if (journal.target.root !== session.endpoint.root || journal.target.projectId !== session.projectId) {
      log(`journal ${path}: ${describeRun(journal)} against ${journal.target.root} (project ${journal.target.projectId}), not the configured cloud: left alone`);
      continue;
    }
    if (journal.phase === 'undone') {
      log(`journal ${path}: ${describeRun(journal)} was undone and confirmed when it ended: nothing to do`);
      continue;
    }
    if (runIsAlive(journal)) {
      log(`journal ${path}: ${describeRun(journal)} is still running: left alone`);
      continue;
    }
    if (journal.masked) {
      log(`journal ${path}: ${describeRun(journal)}: this copy had a secret masked in it, so its snapshot is not what was found: left alone; use the journal in the state folder of the machine the run ran on`);
      status = EXIT.USAGE;
      continue;
    }
    const others = await otherRunsOn(http, journal);
    if (others.length) {
      log(`journal ${path}: ${describeRun(journal)}: server ${journal.target.serverId} carries the marker of another run (${others.join(', ')}), which may be testing it now: left alone (putting the old snapshot back would clobber it); once that run is over, run cleanup again`);
      status = EXIT.USAGE;
      continue;
    }
    // a run of another machine is not known to be gone: its marker still on the server may be a run going on
    const elsewhere = journal.host !== hostname() && journal.marker ? ` (it ran on ${journal.host}: make sure it is over there; its marker is taken off too)` : '';
    log(`journal ${path}: unfinished ${describeRun(journal)}: ${opts.yes ? 'undoing' : 'would'} ${describeUndo(journal, path)}${elsewhere}`);
    if (!opts.yes) continue;
    const problems = await undoRun(http, path, journal, log);
    if (problems.length) {
      log(`metaconform cleanup: CLEANUP FAILED for ${path}: ${problems.join('; ')}`);
      status = EXIT.NO_VERDICT;
      continue;
    }
    log(`metaconform cleanup: ${describeRun(journal)} undone and confirmed; journal removed`);
    // the same run's journal in this machine's state folder is done with too (it would put the old snapshot back later)
    if (opts.journal && journal.target.serverId) removeJournal(journalPath(config.stateDir, journal.target.root, journal.target.projectId, journal.target.serverId), journal.runId);
  }

  if (opts.clearMarker) {
    const serverId = config.target.serverId;
    if (!serverId) throw new ConfigError('METACONFORM_SERVER_ID', 'names no server whose marker --clear-marker should remove');
    const markers = markersIn((await readTags(http, bases['v2.1'], serverId)) ?? []);
    if (!markers.length) log(`metaconform cleanup: server ${serverId} carries no run marker`);
    // a marker of a run that is still going on this machine stays
    const running = new Map(listJournals(config.stateDir).filter(({ journal }) => journal.marker && runIsAlive(journal)).map(({ journal }) => [journal.marker!, journal]));
    for (const marker of markers) {
      const run = running.get(marker);
      if (run) {
        log(`metaconform cleanup: the marker ${marker} is kept: ${describeRun(run)} is still running`);
        status = EXIT.USAGE;
        continue;
      }
      const problem = await releaseMarker(http, bases['v2.1'], serverId, marker);
      log(problem ? `metaconform cleanup: ${problem}` : `metaconform cleanup: removed the marker ${marker} from server ${serverId}`);
      if (problem) status = EXIT.NO_VERDICT;
    }
  }

  const base = bases['v2.1'];
  const leftovers = await findLeftovers(http, base);
  if (!leftovers.length) log(`metaconform cleanup: no server named ${NAME_PREFIX}* in project ${session.projectId}`);
  for (const s of leftovers) log(`${opts.yes ? 'deleting' : 'would delete'} server ${s.name} (${s.id})`);
  if (!opts.yes) {
    if (leftovers.length || journals.length) log(`metaconform cleanup: dry run, nothing changed; run 'metaconform cleanup --yes' to undo and delete the above`);
    return status;
  }
  for (const s of leftovers) await deleteServer(http, base, s.id, 600, log);
  return status;
}
