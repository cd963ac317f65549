import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getProfile, type Profile } from '../profiles/index.ts';
import type { Implementation } from '../reference/implementation.ts';
import { implementationFor } from '../reference/mutants/index.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import type { Metadata } from '../lib/protocol.ts';
import { MetadataClient } from '../lib/clients/metadata-client.ts';
import { apiBases, type ComputeEndpoint } from '../lib/config/endpoint.ts';
import type { AuthMethod } from '../lib/auth/types.ts';
import { configureTls } from '../lib/http/connections.ts';
import type { RunConfig } from '../lib/config/load.ts';
import { VARS } from '../lib/config/variables.ts';
import { ConfigError, InfrastructureError } from '../lib/errors.ts';
import type { Target } from '../lib/harness/target.ts';
import { HttpClient } from '../lib/http/client.ts';
import { describeExchange } from '../lib/http/exchange.ts';
import { registerSecret } from '../lib/http/redact.ts';
import { openSession } from '../lib/auth/session.ts';
import { httpFor } from '../lib/harness/tokens.ts';
import { collectionMap, isRouteMiss } from '../lib/harness/lenient.ts';
import type { ApiVersion } from '../lib/config/endpoint.ts';
import { bootServer, newRunId } from './servers.ts';
import { probeAuthentication } from './probe.ts';
import { claimJournal, describeRun, journalPath, locksPath, newJournal, readJournal, removeJournal, runIsAlive, writeJournal, type Journal } from './journal.ts';
import { acquireMarker } from './marker.ts';
import { RESULT_FILES } from './paths.ts';
import { isLocked, otherRunsOn, undoRun } from './undo.ts';
import { missingOperations, probeTarget } from '../lib/harness/served.ts';

/**
 * Resolving the run's target, on the runner's side: starting the embedded reference, or connecting to an endpoint
 * (its bases, the journal, the snapshot, the marker), and probing what it serves. What the tests get from this is
 * a Target (lib/harness/target.ts), handed to the test workers.
 */

/**
 * Learns which metadata operations the target serves (lib/harness/served.ts) and records it on the target, for
 * the tests; returns a line for the run's output when some are missing.
 */
export async function learnServedOperations(resolved: ResolvedTarget, config: RunConfig): Promise<string | undefined> {
  const { target } = resolved;
  target.served = await probeTarget(target, runnerHttp(target, config), target.apis ?? getProfile(target.profile).bases);
  return missingOperations(target.served);
}

/** A resolved target, with what the runner must undo when the run ends. */
export interface ResolvedTarget {
  target: Target;
  /** The run's journal (endpoint targets): the snapshot, locks, created servers and marker the run undoes at its end. */
  journal?: { file: string; journal: Journal };
  reference?: ReferenceServer;
  /** What probing the target told about it, one line each, for the run's output. */
  notes?: string[];
  /** Limits of the target the run must shout about (e.g. authentication not enforced); never change the verdict. */
  warnings?: string[];
}

export interface EmbeddedOptions {
  id?: string;
  profile?: Profile;
  implementation?: Implementation;
  mutant?: string;
  /** Shown in the target's label. */
  variant?: string;
  /** Only these behaviours are tested against the target. */
  behaviours?: string[];
  /** Record Allure data (default true). */
  record?: boolean;
}

/** Starts the embedded reference with a writable server, a server in vm_state error and an image. */
export async function startEmbedded(config: RunConfig, opts: EmbeddedOptions = {}): Promise<ResolvedTarget> {
  const profile = opts.profile ?? config.profile;
  const reference = await startReference({ profile, implementation: opts.implementation ?? implementationFor(profile, opts.mutant) });
  registerSecret(reference.token);
  registerSecret(reference.readerToken);
  const server = reference.store.createServer(reference.projectId, { metadata: { 'created-by': 'metaconform' } });
  const errorServer = reference.store.createServer(reference.projectId, { vmState: 'error', metadata: { fixture: 'error-state' } });
  const unlaunchedServer = reference.store.createServer(reference.projectId, { launched: false, metadata: { fixture: 'never-launched' } });
  const otherProjectServer = reference.store.createServer(randomUUID().replaceAll('-', ''), { metadata: { fixture: 'other-project' } });
  const image = reference.store.createImage({ properties: { os_distro: 'reference' } });
  // one server and one image per lane: servers are free here, so concurrent tests never share one (leases.ts)
  const extra = Array.from({ length: config.concurrency - 1 }, () => ({
    server: reference.store.createServer(reference.projectId, { metadata: { 'created-by': 'metaconform' } }).id,
    image: reference.store.createImage({ properties: { os_distro: 'reference' } }).id,
  }));
  const variant = opts.variant ?? (opts.mutant ? `mutant ${opts.mutant}` : undefined);
  const target: Target = {
    id: opts.id ?? 'target',
    label: `embedded reference ${reference.url}${variant ? ` (${variant})` : ''}`,
    kind: 'reference',
    root: reference.url,
    bases: apiBases({ root: reference.url, projectIdInUrl: undefined }, reference.projectId),
    token: reference.token,
    projectId: reference.projectId,
    serverId: server.id,
    ...(extra.length ? { extraServerIds: extra.map((e) => e.server), extraImageIds: extra.map((e) => e.image) } : {}),
    errorServerId: errorServer.id,
    unlaunchedServerId: unlaunchedServer.id,
    otherProjectServerId: otherProjectServer.id,
    readerToken: reference.readerToken,
    imageId: image.id,
    profile: profile.name,
    timeoutMs: config.timeoutMs,
    concurrency: config.concurrency,
    ...(opts.behaviours ? { behaviours: opts.behaviours } : {}),
    ...(opts.record === false ? { record: false } : {}),
  };
  return { target, reference };
}

/** Which of the profile's API bases the endpoint serves: its version document, or a metadata read that is no route miss (GETs only). */
export async function probeBases(http: HttpClient, root: string, bases: Record<ApiVersion, string>, serverId: string | undefined, profileBases: readonly ApiVersion[]): Promise<{ served: ApiVersion[]; missing: ApiVersion[] }> {
  const served: ApiVersion[] = [];
  const missing: ApiVersion[] = [];
  for (const api of profileBases) {
    const doc = await http.send('GET', `${root}/${api}/`, { allow5xx: true });
    let serves = doc.response.status >= 200 && doc.response.status < 400;
    if (!serves && serverId) serves = !isRouteMiss(await new MetadataClient(http, bases[api], 'servers', serverId).list({ allow5xx: true }));
    (serves ? served : missing).push(api);
  }
  return { served, missing };
}

/** The bases a run uses (the profile's, or METACONFORM_BASES); one the endpoint does not serve is a configuration error. */
export async function servedBases(http: HttpClient, root: string, bases: Record<ApiVersion, string>, serverId: string | undefined, config: RunConfig): Promise<ApiVersion[]> {
  const probed = await probeBases(http, root, bases, serverId, config.profile.bases);
  const problem = basesProblem(probed, config);
  if (problem) throw problem;
  return [...(config.bases ?? config.profile.bases)];
}

/** The configuration error when the endpoint lacks a base the run needs (the profile's, or METACONFORM_BASES). */
export function basesProblem({ served, missing }: { served: ApiVersion[]; missing: ApiVersion[] }, config: RunConfig): ConfigError | undefined {
  const lacking = (config.bases ?? config.profile.bases).filter((api) => missing.includes(api));
  if (!lacking.length) return undefined;
  const only = served.length ? `serves ${served.map((a) => `/${a}`).join(' and ')} only` : 'serves neither of the profile\'s bases';
  const instead = served.length ? `use a profile without it or ${VARS.bases}=${served.join(',')}` : `check ${VARS.computeUrl}`;
  return new ConfigError(VARS.bases, `this endpoint ${only}; the ${config.profile.name} profile needs ${lacking.map((a) => `/${a}`).join(' and ')}: ${instead}`);
}

/**
 * A journal of this server left by a run that is gone is undone first (its snapshot restored, its locks and
 * marker released, what it created deleted): that run's original metadata is never taken for this run's.
 * A journal of a run that is still going is a usage error (exit 2); so is one whose server carries the marker
 * of another run (that run is testing it now: putting the old snapshot back would clobber it).
 */
async function undoUnfinished(http: HttpClient, file: string, serverId: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(file)) return;
  const journal = readJournal(file);
  if (runIsAlive(journal)) throw new ConfigError(VARS.serverId, `server ${serverId} is being tested by another metaconform ${describeRun(journal)}; wait for it to end`);
  const others = await otherRunsOn(http, journal);
  if (others.length) throw new ConfigError(VARS.serverId, `server ${serverId} carries the marker of another run (${others.join(', ')}) and this machine holds the journal of an unfinished ${describeRun(journal)} (${file}): nothing is changed; once that run is over, 'metaconform cleanup --yes' puts back what the unfinished run changed`);
  log(`metaconform: !!! found the journal of an unfinished ${describeRun(journal)} (${file}): restoring what it changed before this run starts`);
  const problems = await undoRun(http, file, journal, log);
  if (problems.length) throw new ConfigError(VARS.serverId, `server ${serverId} still holds what an unfinished ${describeRun(journal)} changed, and undoing it failed: ${problems.join('; ')}; its journal is ${file}: run 'metaconform cleanup --yes' once the target answers`);
  log(`metaconform: the unfinished run's metadata, locks and marker are restored; its journal is removed`);
}

/**
 * Makes the server's journal this run's: an unfinished one is undone first, then the file is claimed
 * atomically (cli/journal.ts claimJournal); a run that claimed it in between (started at the same moment on
 * this machine) keeps it, and this run refuses (exit 2).
 */
async function claimServer(http: HttpClient, file: string, serverId: string, journal: Journal, log: (line: string) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await undoUnfinished(http, file, serverId, log);
    const holder = claimJournal(file, journal);
    if (!holder) return;
    if (attempt > 0 || runIsAlive(holder)) throw new ConfigError(VARS.serverId, `server ${serverId} is being tested by another metaconform ${describeRun(holder)}; wait for it to end`);
  }
}

/**
 * Resolves an endpoint target and checks it answers: reads the server's metadata leniently (the snapshot put
 * back at the end). Before the first write the run's journal is written (cli/journal.ts), and the server's
 * marker set (cli/marker.ts). A refused token, unknown server, project mismatch or a base the endpoint does
 * not serve is a configuration error; no answer at all is an infrastructure error.
 */
export async function connectEndpoint(config: RunConfig, log: (line: string) => void = (l) => console.log(l), runId: string = newRunId()): Promise<ResolvedTarget> {
  if (config.target.kind !== 'endpoint') throw new Error('not an endpoint target');
  const t = config.target;
  configureTls(config.tls);
  const session = await openSession(t, config.timeoutMs);
  const bases = apiBases(session.endpoint, session.projectId);
  const http = new HttpClient({ token: session.token, timeoutMs: config.timeoutMs });
  const root = session.endpoint.root;
  const readerToken = t.reader ? await readerSession(t.reader, session, config) : undefined;
  const apis = await servedBases(http, root, bases, t.serverId, config);
  const restoreBase = apis[apis.length - 1]!;
  const file = journalPath(config.stateDir, root, session.projectId, t.serverId ?? `boot-${runId}`);
  const copy = join(config.resultsDir, RESULT_FILES.journal);
  const journal = newJournal(runId, { label: new URL(root).host, root, projectId: session.projectId, ...(t.serverId ? { serverId: t.serverId } : {}), ...(t.imageId ? { imageId: t.imageId } : {}), bases, restoreBase });
  journal.copy = copy;
  // the journal is this run's before anything is written: claimed (after undoing an unfinished one of the server)
  if (t.serverId) await claimServer(http, file, t.serverId, journal, log);
  const save = () => {
    writeJournal(file, journal);
    writeJournal(copy, journal, true);
  };
  const notes: string[] = [];
  try {
    save();
    let serverId = t.serverId;
    if (!serverId) {
      if (!t.boot) throw new ConfigError(VARS.serverId, 'is not set');
      serverId = await bootServer(http, bases['v2.1'], runId, t.boot, log);
      journal.created.push(serverId);
      journal.target.serverId = serverId;
      save();
    }
    const client = new MetadataClient(http, bases[restoreBase], 'servers', serverId);
    const snapshot = await readServerMetadata(client, t.auth.kind);
    const locked = await isLocked(http, bases['v2.1'], serverId);
    const probe = await probeAuthentication(client);
    const imageSnapshot = t.imageId ? await snapshotImage(new MetadataClient(http, bases[restoreBase], 'images', t.imageId)) : undefined;
    journal.snapshot = { server: snapshot, ...(imageSnapshot ? { image: imageSnapshot } : {}), ...(locked !== undefined ? { locked } : {}) };
    save();
    if (t.serverId) {
      const { marker, note } = await acquireMarker(http, bases['v2.1'], t.serverId, runId, (m) => {
        if (m) journal.marker = m;
        else delete journal.marker;
        save();
      });
      if (note) notes.push(note);
      if (marker && journal.marker !== marker) {
        journal.marker = marker;
        save();
      }
    }
    // (after the marker: another run's marker says more) a locked server refuses every metadata write (409): no write behaviour could be judged, so say so instead
    if (locked === true && t.serverId) {
      throw new ConfigError(
        VARS.serverId,
        `server ${serverId} is locked, and a locked server refuses metadata writes (409), so nothing could be judged: unlock it first ('openstack server unlock ${serverId}'). If a metaconform run that is gone locked it, its journal unlocks it and puts back what it changed: 'metaconform cleanup --yes' on its machine, or 'metaconform cleanup --journal <its results folder>/run-journal.json --yes' here`,
      );
    }
    const target: Target = {
      id: 'target',
      label: new URL(root).host,
      kind: 'endpoint',
      root,
      bases,
      ...(apis.length !== config.profile.bases.length ? { apis } : {}),
      token: session.token,
      projectId: session.projectId,
      ...(session.renewal ? { renewal: session.renewal } : {}),
      serverId,
      ...(t.imageId ? { imageId: t.imageId } : {}),
      ...(t.errorServerId ? { errorServerId: t.errorServerId } : {}),
      ...(t.unlaunchedServerId ? { unlaunchedServerId: t.unlaunchedServerId } : {}),
      ...(t.otherProjectServerId ? { otherProjectServerId: t.otherProjectServerId } : {}),
      ...(probe.authEnforced !== undefined ? { authEnforced: probe.authEnforced } : {}),
      ...(readerToken ? { readerToken } : {}),
      ...(config.tls ? { tls: config.tls } : {}),
      lockMarker: locksPath(file),
      profile: config.profile.name,
      timeoutMs: config.timeoutMs,
      concurrency: config.concurrency,
    };
    if (probe.authEnforced === false) return { target, journal: { file, journal }, notes, warnings: [probe.note] };
    return { target, journal: { file, journal }, notes: [probe.note, ...notes] };
  } catch (e) {
    // what this run changed so far (a booted server, its marker) is undone before the error ends it; its metadata
    // was not written yet, so the snapshot is not put back (a run that stepped back must not touch the server)
    const problems = journal.created.length || journal.marker ? await undoRun(http, file, { ...journal, snapshot: {} }, log).catch((u: Error) => [u.message]) : (removeJournal(file, runId), []);
    if (problems.length) log(`metaconform: CLEANUP FAILED: ${problems.join('; ')}; the run's journal is ${file}: 'metaconform cleanup --yes' puts back what it records`);
    else removeJournal(copy, runId);
    throw e;
  }
}

/** Logs the reader credential in (METACONFORM_READER_CLOUD / _TOKEN); it must be scoped to the run's project. */
export async function readerSession(reader: AuthMethod, main: { endpoint: ComputeEndpoint; projectId: string }, config: RunConfig): Promise<string> {
  const variable = reader.kind === 'token' ? VARS.readerToken : VARS.readerCloud;
  let session;
  try {
    session = await openSession({ auth: reader, endpoint: main.endpoint, projectId: main.projectId }, config.timeoutMs);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(variable, `the reader credential: ${e.message}`);
    throw e;
  }
  registerSecret(session.token);
  if (session.projectId !== main.projectId) throw new ConfigError(variable, `the reader credential is scoped to project ${session.projectId}, not the run's ${main.projectId}`);
  return session.token;
}

/** An HTTP client for the runner itself, renewing the target's token like the tests do. */
export function runnerHttp(target: Target, config: RunConfig): HttpClient {
  return httpFor(target, { timeoutMs: config.timeoutMs });
}

/**
 * Reads the server's metadata before the run (GET), leniently: a refused token, an unknown server or a project
 * mismatch is a configuration error naming its variable; an answer without a metadata map is no verdict.
 */
export async function readServerMetadata(client: MetadataClient, authKind: 'token' | 'keystone'): Promise<Metadata> {
  const ex = await client.list();
  const status = ex.response.status;
  if (status === 401) throw new ConfigError(authKind === 'token' ? VARS.token : 'OS_AUTH_URL', `the token was rejected by the compute endpoint (401): ${describeExchange(ex)}`);
  if (status === 404) throw new ConfigError(VARS.serverId, `server '${client.id}' was not found (404): ${describeExchange(ex)}`);
  if (status === 400 && /Malformed request URL/.test(ex.response.text)) throw new ConfigError(VARS.projectId, `does not match the token's project: ${describeExchange(ex)}`);
  // read leniently: a list body that breaks the schema is SM-LIST-001's failure, not a reason to refuse the run
  const snapshot = status >= 200 && status < 300 ? collectionMap(ex) : undefined;
  if (!snapshot) throw new InfrastructureError(`cannot read the server's metadata before the run (no metadata map in the answer): ${describeExchange(ex)}`);
  return snapshot;
}

/** Reads the image's properties through the proxy before the run, leniently; an unknown image is a configuration error. */
export async function snapshotImage(image: MetadataClient): Promise<Metadata> {
  const ex = await image.list();
  if (ex.response.status === 404) throw new ConfigError(VARS.imageId, `image '${image.id}' was not found through the image-metadata proxy (404): ${describeExchange(ex)}`);
  const map = ex.response.status >= 200 && ex.response.status < 300 ? collectionMap(ex) : undefined;
  if (!map) throw new InfrastructureError(`cannot read the image's properties before the run (no metadata map in the answer): ${describeExchange(ex)}`);
  return map;
}
