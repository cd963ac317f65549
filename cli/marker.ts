import { ConfigError } from '../lib/errors.ts';
import { VARS } from '../lib/config/variables.ts';
import type { HttpClient } from '../lib/http/client.ts';
import { describeExchange, json } from '../lib/http/exchange.ts';

/**
 * One run per server at a time, across machines: a run puts a server tag `metaconform-run-<run id>` on the
 * server it tests (Nova's server tags, microversion 2.26) before its first metadata write, and takes it off
 * after the undo. Metadata writes cannot touch tags, so the marker survives the tests. A run that finds
 * another run's marker refuses (exit 2) and names it; two runs that put their markers at the same moment both
 * see the other and both step back. A marker left by a run that is gone goes with the undo of its journal
 * (`metaconform cleanup --yes`, or `--journal FILE` on another machine), or on purpose with
 * `metaconform cleanup --clear-marker`.
 */
export const MARKER_PREFIX = 'metaconform-run-';
const TAGS = { 'OpenStack-API-Version': 'compute 2.26' };

function tagsUrl(base: string, serverId: string, tag?: string): string {
  return `${base}/servers/${encodeURIComponent(serverId)}/tags${tag === undefined ? '' : `/${encodeURIComponent(tag)}`}`;
}

/** The server's tags, or undefined when the target serves no tags (no microversion 2.26, or a route miss). */
export async function readTags(http: HttpClient, base: string, serverId: string): Promise<string[] | undefined> {
  const ex = await http.send('GET', tagsUrl(base, serverId), { headers: TAGS, allow5xx: true });
  const tags = (json(ex) as { tags?: unknown } | undefined)?.tags;
  return ex.response.status === 200 && Array.isArray(tags) && tags.every((t) => typeof t === 'string') ? (tags as string[]) : undefined;
}

/** Markers of runs on the server. */
export function markersIn(tags: readonly string[]): string[] {
  return tags.filter((t) => t.startsWith(MARKER_PREFIX));
}

function otherRuns(markers: readonly string[]): string {
  return markers.map((m) => `run ${m.slice(MARKER_PREFIX.length)}`).join(', ');
}

/**
 * Puts this run's marker on the server; returns it, or undefined (with the reason) when the target serves no
 * tags. `record` is called with the marker before it is put (the journal names it before the write, so a run
 * killed right after the write leaves no marker nobody knows of) and with undefined when it could not be put.
 * Throws a ConfigError (exit 2) when another run's marker is there, before or right after ours.
 */
export async function acquireMarker(http: HttpClient, base: string, serverId: string, runId: string, record: (marker: string | undefined) => void = () => undefined): Promise<{ marker?: string; note?: string }> {
  const before = await readTags(http, base, serverId);
  if (before === undefined) return { note: 'the target serves no server tags (microversion 2.26): runs from other machines on this server are not kept away' };
  const held = markersIn(before);
  if (held.length) {
    throw new ConfigError(
      VARS.serverId,
      `server ${serverId} is being tested by another metaconform ${otherRuns(held)} (server tag ${held.join(', ')}); wait for it to end. If that run is gone, put back what it changed first: 'metaconform cleanup --yes' on its machine, or 'metaconform cleanup --journal <its results folder>/run-journal.json --yes' here (this also removes its marker); with no journal left, remove the marker with 'metaconform cleanup --clear-marker'`,
    );
  }
  const marker = `${MARKER_PREFIX}${runId}`;
  record(marker);
  const put = await http.send('PUT', tagsUrl(base, serverId, marker), { headers: TAGS, allow5xx: true, replayable: true });
  if (put.response.status >= 300) {
    record(undefined);
    return { note: `the server marker could not be set (${describeExchange(put)}): runs from other machines on this server are not kept away` };
  }
  const after = markersIn((await readTags(http, base, serverId)) ?? [marker]).filter((m) => m !== marker);
  if (after.length) {
    if (!(await releaseMarker(http, base, serverId, marker))) record(undefined);
    throw new ConfigError(VARS.serverId, `another metaconform ${otherRuns(after)} started on server ${serverId} at the same moment; this run steps back (exit 2): run again once it is done`);
  }
  return { marker };
}

/** Takes a marker off the server; returns a problem, or undefined. */
export async function releaseMarker(http: HttpClient, base: string, serverId: string, marker: string): Promise<string | undefined> {
  try {
    const ex = await http.send('DELETE', tagsUrl(base, serverId, marker), { headers: TAGS, allow5xx: true, replayable: true });
    return ex.response.status < 300 || ex.response.status === 404 ? undefined : `the server marker ${marker} could not be removed: ${describeExchange(ex)}`;
  } catch (e) {
    return `the server marker ${marker} could not be removed: ${(e as Error).message}`;
  }
}
