import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { InfrastructureError } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { describeExchange, type Exchange } from '../http/exchange.ts';
import type { ConformanceContext } from './conformance.ts';

function actionUrl(ctx: ConformanceContext, serverId: string): string {
  return `${ctx.target.bases[ctx.api]}/servers/${encodeURIComponent(serverId)}/action`;
}

function succeeded(ex: Exchange): boolean {
  return ex.response.status >= 200 && ex.response.status < 300;
}

/** A server this run holds locked, or may hold locked (the lock was asked for and its answer is not in yet). */
export interface HeldLock {
  serverId: string;
  url: string;
  /** 'pending': asked for, unanswered (an interrupted run unlocks it without complaint if the target never locked); 'held': locked. */
  state: 'pending' | 'held';
}

/** The locks the marker file lists (tests on several lane servers may hold one each); none when there is no file or it cannot be read. */
export function heldLocks(marker: string): HeldLock[] {
  try {
    const locks = (JSON.parse(readFileSync(marker, 'utf8')) as { locks?: unknown }).locks;
    return Array.isArray(locks) ? (locks as HeldLock[]) : [];
  } catch {
    return [];
  }
}

/**
 * Adds or removes a lock in the marker; removes the file when no lock is left. Written to a temporary file
 * and renamed over the marker, so a kill at any moment leaves the old list or the new one, never half a file
 * (the runner, a later run or `cleanup` reads it to unlock).
 */
function updateMarker(marker: string, change: (locks: HeldLock[]) => HeldLock[]): void {
  const locks = change(heldLocks(marker));
  if (!locks.length) return void rmSync(marker, { force: true });
  const temp = `${marker}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ locks })}\n`, { mode: 0o600 });
  renameSync(temp, marker);
}

/**
 * Runs `fn` while the server is locked (`POST /servers/{id}/action {"lock": null}`) and ALWAYS unlocks it
 * afterwards, also when `fn` or the lock request fails. A refused lock makes the test not applicable.
 * If the server cannot be unlocked the test ends without a verdict and says so loudly.
 */
export async function withLockedServer<T>(ctx: ConformanceContext, fn: () => Promise<T>, serverId: string = ctx.serverId): Promise<T> {
  const url = actionUrl(ctx, serverId);
  // tells the runner to unlock the server if the run is interrupted before the finally below: 'pending' before the
  // lock is asked for (a kill may come before its answer), 'held' once it is; a refused lock leaves nothing to undo
  const marker = ctx.target.lockMarker;
  const record = (state: HeldLock['state'] | undefined) =>
    marker && updateMarker(marker, (locks) => [...locks.filter((l) => l.serverId !== serverId), ...(state ? [{ serverId, url, state }] : [])]);
  record('pending');
  let lock: Exchange;
  try {
    lock = await ctx.arrange('lock the server', () => ctx.http.send('POST', url, { json: { lock: null }, replayable: true }));
  } catch (e) {
    // the lock may have been applied before the failure
    if (!(await unlock(ctx, url, serverId))) record(undefined);
    throw e;
  }
  if (!succeeded(lock)) {
    record(undefined);
    ctx.notApplicable(`the target does not lock servers (the lock action answered ${describeExchange(lock)}): lock behaviours are not applicable`);
  }
  record('held');
  let failure: unknown;
  try {
    return await fn();
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    const problem = await unlock(ctx, url, serverId);
    if (!problem) record(undefined);
    // an unlock failure outranks the test's own verdict: the target is left in a state the run must not leave it in
    if (problem) throw new InfrastructureError(`SERVER ${serverId} MAY STILL BE LOCKED: ${problem}${failure ? ` (the test itself ended with: ${(failure as Error).message})` : ''}`);
  }
}

/**
 * Unlocks a server (`POST {url} {"unlock": null}`, `url` its action URL), at most `attempts` times; returns the
 * problem, or undefined once it is unlocked. The one unlock: the lock helper's (two attempts, each an Allure step
 * through `each`) and the undo of a run's recorded locks (cli/undo.ts).
 */
export async function unlockServer(http: HttpClient, url: string, opts: { attempts?: number; each?: (send: () => Promise<Exchange>) => Promise<Exchange> } = {}): Promise<string | undefined> {
  const each = opts.each ?? ((send) => send());
  let problem: string | undefined;
  for (let attempt = 0; attempt < (opts.attempts ?? 1); attempt++) {
    try {
      const ex = await each(() => http.send('POST', url, { json: { unlock: null }, replayable: true, allow5xx: true }));
      if (succeeded(ex)) return undefined;
      problem = `unlock answered ${describeExchange(ex)}`;
    } catch (e) {
      problem = `unlock failed: ${(e as Error).message}`;
    }
  }
  return problem;
}

/** Unlocks the test's server (two attempts, each a step of the test). */
function unlock(ctx: ConformanceContext, url: string, serverId: string): Promise<string | undefined> {
  return unlockServer(ctx.http, url, { attempts: 2, each: (send) => ctx.step(`unlock server ${serverId}`, send) });
}
