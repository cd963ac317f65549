import { existsSync, readFileSync } from 'node:fs';
import type { Metadata } from '../lib/clients/metadata-client.ts';
import { MetadataClient } from '../lib/clients/metadata-client.ts';
import { collectionMap } from '../lib/harness/lenient.ts';
import { unlockServer, type HeldLock } from '../lib/harness/lock.ts';
import type { HttpClient } from '../lib/http/client.ts';
import { describeExchange, json } from '../lib/http/exchange.ts';
import { redactText } from '../lib/http/redact.ts';
import { locksPath, markCopyUndone, removeJournal, updateJournal, type Journal } from './journal.ts';
import { markersIn, readTags, releaseMarker } from './marker.ts';
import { deleteServer } from './servers.ts';

/**
 * Undoing a run, from its journal: one code path for the end of every run, for an interrupted run, and for a
 * later run or `metaconform cleanup` that finds the journal of a run that is gone. Locks first (a locked
 * server refuses the restore), then the metadata (read back to confirm), the servers the run created, the
 * marker. The journal is removed only when everything was undone and confirmed.
 */

const ok = (status: number) => status >= 200 && status < 300;
const same = (a: Metadata, b: Metadata) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** The locks a run's test workers recorded (lib/harness/lock.ts). */
export function recordedLocks(journalFile: string): HeldLock[] {
  const file = locksPath(journalFile);
  if (!existsSync(file)) return [];
  try {
    return ((JSON.parse(readFileSync(file, 'utf8')) as { locks?: HeldLock[] }).locks ?? []).map((l) => ({ ...l, state: l.state ?? 'held' }));
  } catch {
    return [];
  }
}

/** Whether a server says it is locked (GET server at microversion 2.9 shows `locked`); undefined when it does not say. */
export async function isLocked(http: HttpClient, base: string, serverId: string): Promise<boolean | undefined> {
  const ex = await http.send('GET', `${base}/servers/${encodeURIComponent(serverId)}`, { headers: { 'OpenStack-API-Version': 'compute 2.9' }, allow5xx: true }).catch(() => undefined);
  const locked = ex && ok(ex.response.status) ? (json(ex) as { server?: { locked?: unknown } } | undefined)?.server?.locked : undefined;
  return typeof locked === 'boolean' ? locked : undefined;
}

async function lockAction(http: HttpClient, url: string, action: 'lock' | 'unlock'): Promise<string | undefined> {
  return http.send('POST', url, { json: { [action]: null }, replayable: true, allow5xx: true }).then(
    (ex) => (ok(ex.response.status) ? undefined : `${action} answered ${describeExchange(ex)}`),
    (e: Error) => e.message,
  );
}

function actionUrl(journal: Journal, serverId: string): string {
  return `${journal.target.bases['v2.1']}/servers/${encodeURIComponent(serverId)}/action`;
}

/**
 * Unlocks what the run's tests locked: every lock they recorded (lib/harness/lock.ts), and, where the journal
 * says the server was unlocked when the run began, the server if it is locked now (a journal adopted from
 * another machine has no locks file; a kill can come between a lock and its record).
 */
async function unlockAll(http: HttpClient, journal: Journal, journalFile: string): Promise<string[]> {
  const problems: string[] = [];
  const unlocked = new Set<string>();
  for (const { serverId, url, state } of recordedLocks(journalFile)) {
    const answer = await unlockServer(http, url);
    if (!answer) {
      unlocked.add(serverId);
      continue;
    }
    // a lock that was asked for but never answered may never have been applied (or the target has no lock action)
    if (state === 'pending' && (await isLocked(http, journal.target.bases['v2.1'], serverId)) !== true) continue;
    problems.push(`SERVER ${serverId} MAY STILL BE LOCKED: ${answer}`);
  }
  const serverId = journal.target.serverId;
  if (serverId && journal.snapshot.locked === false && !unlocked.has(serverId) && !problems.length && (await isLocked(http, journal.target.bases['v2.1'], serverId)) === true) {
    const answer = await lockAction(http, actionUrl(journal, serverId), 'unlock');
    if (answer) problems.push(`SERVER ${serverId} MAY STILL BE LOCKED: ${answer}`);
  }
  return problems;
}

/** A server that was locked when the run began is locked again at its end (a test unlocks the server it locked). */
async function relock(http: HttpClient, journal: Journal): Promise<string | undefined> {
  const serverId = journal.target.serverId;
  if (!serverId || journal.snapshot.locked !== true || (await isLocked(http, journal.target.bases['v2.1'], serverId)) !== false) return undefined;
  const answer = await lockAction(http, actionUrl(journal, serverId), 'lock');
  return answer ? `server ${serverId} was locked before the run and could not be locked again: ${answer}` : undefined;
}

/** Markers of other runs on the journal's server (its own marker left aside): such a run is testing it now, or left it so. */
export async function otherRunsOn(http: HttpClient, journal: Journal): Promise<string[]> {
  if (!journal.target.serverId) return [];
  const tags = await readTags(http, journal.target.bases['v2.1'], journal.target.serverId).catch(() => undefined);
  return markersIn(tags ?? []).filter((m) => m !== journal.marker);
}

/**
 * Puts a snapshot back and confirms it by reading back: PUT on the collection, and where that did not give the
 * set (a target whose PUT does not replace), per-key writes (DELETE item, PUT item). Returns a problem or undefined.
 */
export async function restoreMetadata(client: MetadataClient, snapshot: Metadata, what: string): Promise<string | undefined> {
  try {
    if (client.resource === 'images') await client.replaceAll({}); // Glance refuses the 'move' a direct replace can become
    const put = await client.replaceAll(snapshot, { allow5xx: true });
    let now = collectionMap(await client.list());
    if (now && same(now, snapshot)) return undefined;
    for (const key of Object.keys(now ?? {}).filter((k) => !Object.hasOwn(snapshot, k))) await client.deleteItem(key, { allow5xx: true });
    for (const [key, value] of Object.entries(snapshot).filter(([k, v]) => now?.[k] !== v)) await client.setItem(key, value, { allow5xx: true });
    now = collectionMap(await client.list());
    if (now && same(now, snapshot)) return undefined;
    return `the ${what} read back after the restore (${redactText(JSON.stringify(now ?? null))}) do not match the snapshot (PUT answered ${describeExchange(put)})`;
  } catch (e) {
    return `the ${what} could not be restored: ${(e as Error).message}`;
  }
}

/**
 * Undoes what the journal records; returns the problems (empty: everything undone and confirmed, and the
 * journal removed). The journal stays, in phase 'undoing', while anything is left to undo.
 */
export async function undoRun(http: HttpClient, journalFile: string, journal: Journal, log: (line: string) => void): Promise<string[]> {
  journal.phase = 'undoing';
  updateJournal(journalFile, journal);
  const { target } = journal;
  const base = target.bases[target.restoreBase];
  const problems = await unlockAll(http, journal, journalFile);
  if (target.serverId && journal.snapshot.server) {
    const problem = await restoreMetadata(new MetadataClient(http, base, 'servers', target.serverId), journal.snapshot.server, 'metadata');
    if (problem) problems.push(`server ${target.serverId}: ${problem}`);
  }
  if (target.imageId && journal.snapshot.image) {
    const problem = await restoreMetadata(new MetadataClient(http, base, 'images', target.imageId), journal.snapshot.image, 'image properties');
    if (problem) problems.push(`image ${target.imageId}: ${problem}`);
  }
  const relocked = await relock(http, journal);
  if (relocked) problems.push(relocked);
  for (const id of journal.created) {
    await deleteServer(http, target.bases['v2.1'], id, 600, log).catch((e: Error) => problems.push(`server ${id} (created by the run): ${e.message}; 'metaconform cleanup --yes' removes leftovers`));
  }
  if (journal.marker && target.serverId && !problems.length) {
    const problem = await releaseMarker(http, target.bases['v2.1'], target.serverId, journal.marker);
    if (problem) problems.push(problem);
  }
  if (!problems.length) {
    removeJournal(journalFile, journal.runId);
    markCopyUndone(journal);
  }
  return problems;
}
