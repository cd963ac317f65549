import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { getProfile, type Profile } from '../profiles/index.ts';
import type { Implementation } from '../reference/implementation.ts';
import { implementationFor } from '../reference/mutants/index.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import type { Metadata } from '../lib/clients/metadata-client.ts';
import { MetadataClient } from '../lib/clients/metadata-client.ts';
import { apiBases } from '../lib/config/endpoint.ts';
import type { RunConfig } from '../lib/config/load.ts';
import { VARS } from '../lib/config/variables.ts';
import { ConfigError, InfrastructureError } from '../lib/errors.ts';
import type { Target } from '../lib/harness/target.ts';
import { HttpClient } from '../lib/http/client.ts';
import { describeExchange, json } from '../lib/http/exchange.ts';
import { registerSecret } from '../lib/http/redact.ts';
import { openSession } from '../lib/auth/session.ts';
import { heldLocks } from '../lib/harness/lock.ts';
import { httpFor } from '../lib/harness/tokens.ts';
import { bootServer, deleteServer, newRunId } from './servers.ts';
import { schemaErrors } from '../lib/schemas.ts';
import { probeAuthentication } from './probe.ts';
import { missingOperations, probeTarget } from '../lib/harness/served.ts';

/**
 * Learns which metadata operations the target serves (lib/harness/served.ts) and records it on the target, for
 * the tests; returns a line for the run's output when some are missing.
 */
export async function learnServedOperations(resolved: ResolvedTarget, config: RunConfig): Promise<string | undefined> {
  const { target } = resolved;
  target.served = await probeTarget(target, runnerHttp(target, config), getProfile(target.profile).bases);
  return missingOperations(target.served);
}

/** A resolved target, with what the runner must undo when the run ends. */
export interface ResolvedTarget {
  target: Target;
  /** Servers this run booted (deleted when it ends, also when interrupted). */
  created?: { servers: string[]; timeoutSeconds: number };
  /** The server's metadata before the run (endpoint targets), restored afterwards. */
  snapshot?: Metadata;
  /** The image's properties before the run (endpoint targets with an image), restored afterwards. */
  imageSnapshot?: Metadata;
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

/**
 * Resolves an endpoint target and checks it answers: reads the server's metadata (the snapshot restored at
 * the end). A refused token, unknown server or project mismatch is a configuration error; no answer at all
 * is an infrastructure error.
 */
export async function connectEndpoint(config: RunConfig, log: (line: string) => void = (l) => console.log(l)): Promise<ResolvedTarget> {
  if (config.target.kind !== 'endpoint') throw new Error('not an endpoint target');
  const t = config.target;
  const session = await openSession(t, config.timeoutMs);
  const bases = apiBases(session.endpoint, session.projectId);
  const http = new HttpClient({ token: session.token, timeoutMs: config.timeoutMs });
  let serverId = t.serverId;
  let created: ResolvedTarget['created'];
  if (!serverId) {
    if (!t.boot) throw new ConfigError(VARS.serverId, 'is not set');
    serverId = await bootServer(http, bases['v2.1'], newRunId(), t.boot, log);
    created = { servers: [serverId], timeoutSeconds: t.boot.timeoutSeconds };
  }
  const target: Target = {
    id: 'target',
    label: new URL(session.endpoint.root).host,
    kind: 'endpoint',
    root: session.endpoint.root,
    bases,
    token: session.token,
    projectId: session.projectId,
    ...(session.renewal ? { renewal: session.renewal } : {}),
    serverId,
    ...(t.imageId ? { imageId: t.imageId } : {}),
    ...(t.errorServerId ? { errorServerId: t.errorServerId } : {}),
    ...(t.unlaunchedServerId ? { unlaunchedServerId: t.unlaunchedServerId } : {}),
    ...(t.otherProjectServerId ? { otherProjectServerId: t.otherProjectServerId } : {}),
    profile: config.profile.name,
    timeoutMs: config.timeoutMs,
    concurrency: config.concurrency,
  };
  const base = bases[config.profile.bases[config.profile.bases.length - 1]!];
  const client = new MetadataClient(http, base, 'servers', serverId);
  const ex = await client.list();
  const status = ex.response.status;
  if (status === 401) throw new ConfigError(t.auth.kind === 'token' ? VARS.token : 'OS_AUTH_URL', `the token was rejected by the compute endpoint (401): ${describeExchange(ex)}`);
  if (status === 404) throw new ConfigError(VARS.serverId, `server '${serverId}' was not found (404): ${describeExchange(ex)}`);
  if (status === 400 && /Malformed request URL/.test(ex.response.text)) throw new ConfigError(VARS.projectId, `does not match the token's project: ${describeExchange(ex)}`);
  if (!config.profile.success.read.includes(status)) throw new InfrastructureError(`cannot read the server's metadata before the run: ${describeExchange(ex)}`);
  const body = json(ex);
  const errors = schemaErrors('metadata-collection', body);
  if (errors) throw new InfrastructureError(`cannot snapshot the server's metadata, its list response is not valid (${errors}): ${describeExchange(ex)}`);
  const probe = await probeAuthentication(client);
  if (probe.authEnforced !== undefined) target.authEnforced = probe.authEnforced;
  const snapshot = (body as { metadata: Metadata }).metadata;
  const imageSnapshot = t.imageId ? await snapshotImage(new MetadataClient(http, base, 'images', t.imageId), config) : undefined;
  return {
    target,
    snapshot,
    ...(imageSnapshot ? { imageSnapshot } : {}),
    ...(created ? { created } : {}),
    ...(probe.authEnforced === false ? { warnings: [probe.note] } : { notes: [probe.note] }),
  };
}

/** Deletes what the run created; returns a problem description or undefined. */
export async function releaseCreated(resolved: ResolvedTarget, config: RunConfig, log: (line: string) => void): Promise<string | undefined> {
  if (!resolved.created) return undefined;
  const { target } = resolved;
  const http = runnerHttp(target, config);
  const problems: string[] = [];
  for (const id of resolved.created.servers) {
    await deleteServer(http, target.bases['v2.1'], id, resolved.created.timeoutSeconds, log).catch((e: Error) => problems.push(`server ${id}: ${e.message}`));
  }
  return problems.length ? `could not delete what the run created (${problems.join('; ')}); 'metaconform cleanup --yes' removes leftovers` : undefined;
}

/** An HTTP client for the runner itself, renewing the target's token like the tests do. */
function runnerHttp(target: Target, config: RunConfig): HttpClient {
  return httpFor(target, { timeoutMs: config.timeoutMs });
}

/** Reads the image's properties through the proxy before the run; an unknown image is a configuration error. */
async function snapshotImage(image: MetadataClient, config: RunConfig): Promise<Metadata> {
  const ex = await image.list();
  if (ex.response.status === 404) throw new ConfigError(VARS.imageId, `image '${image.id}' was not found through the image-metadata proxy (404): ${describeExchange(ex)}`);
  if (!config.profile.success.read.includes(ex.response.status)) throw new InfrastructureError(`cannot read the image's properties before the run: ${describeExchange(ex)}`);
  const body = json(ex);
  const errors = schemaErrors('metadata-collection', body);
  if (errors) throw new InfrastructureError(`cannot snapshot the image's properties, its list response is not valid (${errors}): ${describeExchange(ex)}`);
  return (body as { metadata: Metadata }).metadata;
}

/** Unlocks the servers lock tests left locked (the run was interrupted); returns a problem description or undefined. */
export async function releaseLock(resolved: ResolvedTarget, config: RunConfig): Promise<string | undefined> {
  const marker = resolved.target.lockMarker;
  if (!marker) return undefined;
  const problems: string[] = [];
  for (const { serverId, url } of heldLocks(marker)) {
    try {
      const ex = await runnerHttp(resolved.target, config).send('POST', url, { json: { unlock: null } });
      if (ex.response.status >= 300) problems.push(`SERVER ${serverId} MAY STILL BE LOCKED: unlock answered ${describeExchange(ex)}`);
    } catch (e) {
      problems.push(`SERVER ${serverId} MAY STILL BE LOCKED: ${(e as Error).message}`);
    }
  }
  if (problems.length) return problems.join('; ');
  rmSync(marker, { force: true });
  return undefined;
}

/**
 * Puts the snapshots back (replace-all) and reads them back to check; returns a problem description or
 * undefined. The image is restored only when the profile documents PUT on its collection (the image
 * suites write to an image only after seeding it that way).
 */
export async function restoreSnapshot(resolved: ResolvedTarget, config: RunConfig): Promise<string | undefined> {
  const { target } = resolved;
  const base = target.bases[config.profile.bases[config.profile.bases.length - 1]!];
  const http = runnerHttp(target, config);
  const problems: string[] = [];
  if (resolved.snapshot) {
    const problem = await restore(new MetadataClient(http, base, 'servers', target.serverId), resolved.snapshot, config, 'metadata');
    if (problem) problems.push(problem);
  }
  if (resolved.imageSnapshot && target.imageId && config.profile.imageOperations.replaceAll) {
    // through the empty set, as the image suites seed (see seedImage in lib/harness/image.ts)
    const image = new MetadataClient(http, base, 'images', target.imageId);
    const cleared = await image.replaceAll({}).catch((e: Error) => e);
    const problem = cleared instanceof Error ? cleared.message : await restore(image, resolved.imageSnapshot, config, 'image properties');
    if (problem) problems.push(`image ${target.imageId}: ${problem}; its original properties were ${JSON.stringify(resolved.imageSnapshot)}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

async function restore(client: MetadataClient, snapshot: Metadata, config: RunConfig, what: string): Promise<string | undefined> {
  try {
    const put = await client.replaceAll(snapshot);
    if (!config.profile.success.write.includes(put.response.status)) return `restore answered ${describeExchange(put)}`;
    const check = json(await client.list()) as { metadata?: Metadata } | undefined;
    const same = JSON.stringify(Object.entries(check?.metadata ?? {}).sort()) === JSON.stringify(Object.entries(snapshot).sort());
    return same ? undefined : `the ${what} read back after the restore do not match the snapshot`;
  } catch (e) {
    return (e as Error).message;
  }
}
