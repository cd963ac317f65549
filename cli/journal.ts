import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  /** The metadata found before the run, put back at its end. */
  snapshot: { server?: Metadata; image?: Metadata };
  /** Servers this run created (deleted when it ends). */
  created: string[];
  /** The server tag this run put on the server to keep other runs away (lib: cli/marker.ts). */
  marker?: string;
  /** 'running' until the undo starts; the file is removed once the undo is confirmed. */
  phase: 'running' | 'undoing';
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

/**
 * Writes the journal atomically (a temporary file renamed over it), so a kill never leaves half a journal. The
 * journal in the state folder (mode 0600) keeps the metadata exactly as found, to put it back exactly; a copy
 * meant for the results folder (`masked`) goes through the masker like every other artefact.
 */
export function writeJournal(path: string, journal: Journal, masked = false): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  const text = `${JSON.stringify(journal, null, 2)}\n`;
  writeFileSync(temp, masked ? redactText(text) : text, { mode: 0o600 });
  renameSync(temp, path);
}

function isJournal(value: unknown): value is Journal {
  const j = value as Journal;
  return !!j && j.version === 1 && typeof j.runId === 'string' && typeof j.pid === 'number' && typeof j.target?.root === 'string' && typeof j.target?.projectId === 'string' && Array.isArray(j.created) && typeof j.snapshot === 'object';
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

/** Whether the run that wrote the journal is still running (on this machine: its process is alive). */
export function runIsAlive(journal: Journal): boolean {
  if (journal.host !== hostname()) return false;
  if (journal.pid === process.pid) return true;
  try {
    process.kill(journal.pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Removes a journal and its locks file once its undo is confirmed. */
export function removeJournal(path: string): void {
  rmSync(locksPath(path), { force: true });
  rmSync(path, { force: true });
}

/** The journal's host and time, for messages. */
export function describeRun(journal: Journal): string {
  return `run ${journal.runId} (started ${journal.startedAt} on ${journal.host}, pid ${journal.pid})`;
}

export function newJournal(runId: string, target: Journal['target']): Journal {
  return { version: 1, runId, startedAt: new Date().toISOString(), host: hostname(), pid: process.pid, target, snapshot: {}, created: [], phase: 'running' };
}
