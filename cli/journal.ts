import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type { Metadata } from '../lib/clients/metadata-client.ts';
import type { ApiVersion } from '../lib/config/endpoint.ts';
import { ConfigError } from '../lib/errors.ts';
import { redactText } from '../lib/http/redact.ts';

/**
 * The run journal: what a run must undo on the target, written before its first write and kept until the undo
 * was confirmed by reading back. It lives in a state folder of this machine, one file per target server, so a
 * later run (or `metaconform cleanup`) finds what a killed run left: the server's and the image's original
 * metadata, the locks it held, the servers it created and the marker it put on the server. A copy goes into
 * the results folder (to recover from another machine: `metaconform cleanup --journal FILE`). No secret is
 * written: recovering needs the credentials of the cloud again.
 */
export interface Journal {
  version: 1;
  runId: string;
  startedAt: string;
  host: string;
  pid: number;
  /** The machine's boot (Linux boot_id) and the process's start time (clock ticks after boot): a pid reused after a reboot or by another process is not taken for the run. */
  boot?: string;
  procStart?: string;
  target: {
    label: string;
    root: string;
    projectId: string;
    /** The server whose metadata the run writes (absent while a server is being booted). */
    serverId?: string;
    imageId?: string;
    bases: Record<ApiVersion, string>;
    /** The base the snapshot is put back through. */
    restoreBase: ApiVersion;
  };
  /** The metadata found before the run, put back at its end; whether the server was locked (GET server at 2.9; undefined where it does not say). */
  snapshot: { server?: Metadata; image?: Metadata; locked?: boolean };
  /** Servers this run created (deleted when it ends). */
  created: string[];
  /** The server tag this run put on the server to keep other runs away (lib: cli/marker.ts). */
  marker?: string;
  /**
   * 'running' until the undo starts; the file is removed once the undo is confirmed. The copy in the results
   * folder is then marked 'undone' (a later `cleanup --journal` of it must not put back an old snapshot).
   */
  phase: 'running' | 'undoing' | 'undone';
  /** The copy in the results folder. */
  copy?: string;
  /** Set on a copy in which the masker replaced a secret: its snapshot is not what was found. */
  masked?: boolean;
}

/** The folder the journals live in: METACONFORM_STATE_DIR, else $XDG_STATE_HOME/metaconform, else ~/.local/state/metaconform. */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.METACONFORM_STATE_DIR?.trim();
  if (explicit) return explicit;
  const xdg = env.XDG_STATE_HOME?.trim();
  return join(xdg || join(homedir(), '.local', 'state'), 'metaconform');
}

/** The journal file of a target server (or of a run that boots its own server: keyed by its run id). */
export function journalPath(dir: string, root: string, projectId: string, serverKey: string): string {
  const key = createHash('sha256').update(`${root}\n${projectId}\n${serverKey}`).digest('hex').slice(0, 20);
  return join(dir, `journal-${key}.json`);
}

/** The file the test workers record the locks they hold in, beside the journal (lib/harness/lock.ts). */
export function locksPath(journal: string): string {
  return journal.replace(/\.json$/, '.locks.json');
}

function serialise(journal: Journal): string {
  return `${JSON.stringify(journal, null, 2)}\n`;
}

/** Writes a file whole: a temporary file renamed over it, so a kill never leaves half of it. */
export function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

/**
 * Writes the journal atomically, so a kill never leaves half a journal. The journal in the state folder (mode
 * 0600) keeps the metadata exactly as found, to put it back exactly; a copy meant for the results folder
 * (`masked`) goes through the masker like every other artefact, and says so when the masker changed it.
 */
export function writeJournal(path: string, journal: Journal, masked = false): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  let text = serialise(journal);
  if (masked && redactText(text) !== text) text = redactText(serialise({ ...journal, masked: true }));
  writeAtomically(path, text);
}

/**
 * Claims the journal file of a server for this run: written whole and linked into place only if no journal is
 * there (an atomic test-and-set, so two runs started at the same moment on one machine never share or
 * overwrite one). Returns undefined once claimed, or the journal that holds the file.
 */
export function claimJournal(path: string, journal: Journal): Journal | undefined {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.claim`;
  writeFileSync(temp, serialise(journal), { mode: 0o600 });
  try {
    linkSync(temp, path);
    return undefined;
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
    return readJournal(path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The run id of the journal a file holds now, or undefined (no file, or not a journal). */
function holder(path: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { runId?: string }).runId;
  } catch {
    return undefined;
  }
}

/** Rewrites a journal only while the file is still that run's (another run may have claimed the file since). */
export function updateJournal(path: string, journal: Journal): boolean {
  if (holder(path) !== journal.runId) return false;
  writeJournal(path, journal);
  return true;
}

function isJournal(value: unknown): value is Journal {
  const j = value as Journal;
  return !!j && j.version === 1 && typeof j.runId === 'string' && typeof j.host === 'string' && typeof j.pid === 'number' && typeof j.target?.root === 'string' && typeof j.target?.projectId === 'string' && Array.isArray(j.created) && typeof j.snapshot === 'object';
}

export function readJournal(path: string): Journal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(path, `is not a readable run journal (${(e as Error).message})`);
  }
  if (!isJournal(parsed)) throw new ConfigError(path, 'is not a metaconform run journal (version 1)');
  return parsed;
}

/** Every journal in the state folder. */
export function listJournals(dir: string): { path: string; journal: Journal }[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => /^journal-[0-9a-f]+\.json$/.test(f))
    .map((f) => ({ path: join(dir, f), journal: readJournal(join(dir, f)) }));
}

/** This machine's boot id (Linux), or undefined. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** When a process started, in clock ticks after boot (Linux /proc/PID/stat, field 22), or undefined. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the run that wrote the journal is still running: on this machine, since the same boot, its process
 * alive and started when the journal says (not a pid reused since). A journal of another machine is not
 * known to be running (its server's marker keeps runs apart: cli/marker.ts).
 */
export function runIsAlive(journal: Journal): boolean {
  if (journal.host !== hostname()) return false;
  const boot = bootId();
  if (journal.boot && boot && journal.boot !== boot) return false;
  try {
    process.kill(journal.pid, 0);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EPERM') return false;
  }
  const started = processStart(journal.pid);
  return !(journal.procStart && started && journal.procStart !== started);
}

/**
 * Removes a journal and its locks file once its undo is confirmed, only while the file is still that run's
 * (a run that claimed the file since keeps it).
 */
export function removeJournal(path: string, runId: string): void {
  const now = holder(path);
  if (now !== undefined && now !== runId) return;
  rmSync(locksPath(path), { force: true });
  rmSync(path, { force: true });
}

/** Marks the results folder's copy of a journal as undone (it must not be put back again later). */
export function markCopyUndone(journal: Journal): void {
  if (!journal.copy || holder(journal.copy) !== journal.runId) return;
  try {
    const copy = JSON.parse(readFileSync(journal.copy, 'utf8')) as Journal;
    writeAtomically(journal.copy, serialise({ ...copy, phase: 'undone' }));
  } catch {
    // a results folder that went away: nothing to mark
  }
}

/** The journal's host and time, for messages. */
export function describeRun(journal: Journal): string {
  return `run ${journal.runId} (started ${journal.startedAt} on ${journal.host}, pid ${journal.pid})`;
}

export function newJournal(runId: string, target: Journal['target']): Journal {
  const boot = bootId();
  const procStart = processStart(process.pid);
  return { version: 1, runId, startedAt: new Date().toISOString(), host: hostname(), pid: process.pid, ...(boot ? { boot } : {}), ...(procStart ? { procStart } : {}), target, snapshot: {}, created: [], phase: 'running' };
}
