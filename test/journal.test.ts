import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { claimJournal, journalPath, locksPath, newJournal, readJournal, removeJournal, runIsAlive, updateJournal, writeJournal, type Journal } from '../cli/journal.ts';
import { recordedLocks } from '../cli/undo.ts';
import { heldLocks } from '../lib/harness/lock.ts';
import { registerSecret } from '../lib/http/redact.ts';
import { tempDir } from './helpers/cli.ts';

/** The journal's own guarantees, without a target: one owner per file, liveness that survives pid reuse, masked copies flagged. */

const bases = { v2: 'http://nova/v2/p', 'v2.1': 'http://nova/v2.1/p' };
const journal = (runId: string): Journal => newJournal(runId, { label: 'nova', root: 'http://nova', projectId: 'p', serverId: 's', bases, restoreBase: 'v2.1' });

describe('the run journal', () => {
  test('claimed by one run only: a second claim gets the holder, the file is never overwritten', () => {
    const file = journalPath(tempDir('journal'), 'http://nova', 'p', 's');
    expect(claimJournal(file, journal('run-a'))).toBeUndefined();
    expect(claimJournal(file, journal('run-b'))?.runId).toBe('run-a');
    expect(readJournal(file).runId).toBe('run-a');
  });

  test('only its own run rewrites or removes it (a run that claimed the file since keeps it)', () => {
    const file = journalPath(tempDir('journal'), 'http://nova', 'p', 's');
    const a = journal('run-a');
    claimJournal(file, a);
    writeFileSync(locksPath(file), JSON.stringify({ locks: [{ serverId: 's', url: 'u', state: 'held' }] }));
    const gone = journal('run-gone');
    expect(updateJournal(file, { ...gone, phase: 'undoing' })).toBe(false);
    removeJournal(file, 'run-gone');
    expect(readJournal(file)).toEqual(a);
    expect(existsSync(locksPath(file))).toBe(true);
    expect(updateJournal(file, { ...a, phase: 'undoing' })).toBe(true);
    removeJournal(file, 'run-a');
    expect(existsSync(file) || existsSync(locksPath(file))).toBe(false);
  });

  test('a run is alive while its process is, and not once its pid is reused or the machine rebooted', async () => {
    const own = journal('own');
    expect(runIsAlive(own)).toBe(true);
    expect(runIsAlive({ ...own, procStart: '1' })).toBe(false);
    expect(runIsAlive({ ...own, boot: 'another-boot' })).toBe(own.boot === undefined);
    expect(runIsAlive({ ...own, host: `not-${hostname()}` })).toBe(false);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => child.once('spawn', r));
    const other: Journal = { ...own, pid: child.pid! };
    delete other.procStart;
    expect(runIsAlive(other)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    expect(runIsAlive(other)).toBe(false);
  });

  test('a locks file cut short (a kill while it was written by an older version) reads as no lock, never as an error', () => {
    const file = join(tempDir('locks'), 'journal-0.locks.json');
    writeFileSync(file, '{"locks": [{"serverId": "s", "url"');
    expect(heldLocks(file)).toEqual([]);
    expect(recordedLocks(file.replace('.locks.json', '.json'))).toEqual([]);
  });

  test("the results folder's copy says when the masker changed it (its snapshot is then not what was found)", () => {
    const secret = `journal-secret-${Math.random().toString(36).slice(2)}`;
    registerSecret(secret);
    const dir = tempDir('copy');
    const plain = journal('run-a');
    plain.snapshot = { server: { k: 'v' } };
    writeJournal(join(dir, 'plain.json'), plain, true);
    expect(readJournal(join(dir, 'plain.json')).masked).toBeUndefined();
    writeJournal(join(dir, 'masked.json'), { ...plain, snapshot: { server: { k: secret } } }, true);
    expect(readFileSync(join(dir, 'masked.json'), 'utf8')).not.toContain(secret);
    expect(readJournal(join(dir, 'masked.json')).masked).toBe(true);
    // the state folder's journal keeps the value as found
    writeJournal(join(dir, 'state.json'), { ...plain, snapshot: { server: { k: secret } } });
    expect(readJournal(join(dir, 'state.json')).snapshot.server).toEqual({ k: secret });
  });
});
