import { implementationFor } from '../../reference/mutants/index.ts';
import { startReference, type ReferenceServer } from '../../reference/server.ts';
import type { Metadata } from '../clients/metadata-client.ts';
import { MetadataClient } from '../clients/metadata-client.ts';
import { apiBases } from '../config/endpoint.ts';
import type { RunConfig } from '../config/load.ts';
import { VARS } from '../config/variables.ts';
import { ConfigError, InfrastructureError } from '../errors.ts';
import type { Target } from '../harness/target.ts';
import { HttpClient } from '../http/client.ts';
import { describeExchange, json } from '../http/exchange.ts';
import { registerSecret } from '../http/redact.ts';
import { schemaErrors } from '../schemas.ts';

/** A resolved target, with what the runner must undo when the run ends. */
export interface ResolvedTarget {
  target: Target;
  /** The server's metadata before the run (endpoint targets), restored afterwards. */
  snapshot?: Metadata;
  /** The image's properties before the run (endpoint targets with an image), restored afterwards. */
  imageSnapshot?: Metadata;
  reference?: ReferenceServer;
}

/** Starts the embedded reference with one writable server and one image. */
export async function startEmbedded(config: RunConfig, mutant?: string): Promise<ResolvedTarget> {
  const reference = await startReference({ profile: config.profile, implementation: implementationFor(config.profile, mutant) });
  registerSecret(reference.token);
  const server = reference.store.createServer(reference.projectId, { metadata: { 'created-by': 'metaconform' } });
  const errorServer = reference.store.createServer(reference.projectId, { vmState: 'error', metadata: { fixture: 'error-state' } });
  const image = reference.store.createImage({ properties: { os_distro: 'reference' } });
  const target: Target = {
    label: `embedded reference ${reference.url}${mutant ? ` (mutant ${mutant})` : ''}`,
    kind: 'reference',
    root: reference.url,
    bases: apiBases({ root: reference.url, projectIdInUrl: undefined }, reference.projectId),
    token: reference.token,
    projectId: reference.projectId,
    serverId: server.id,
    errorServerId: errorServer.id,
    imageId: image.id,
    profile: config.profile.name,
    timeoutMs: config.timeoutMs,
  };
  return { target, reference };
}

/**
 * Resolves an endpoint target and checks it answers: reads the server's metadata (the snapshot restored at
 * the end). A refused token, unknown server or project mismatch is a configuration error; no answer at all
 * is an infrastructure error.
 */
export async function connectEndpoint(config: RunConfig): Promise<ResolvedTarget> {
  if (config.target.kind !== 'endpoint') throw new Error('not an endpoint target');
  const t = config.target;
  registerSecret(t.auth.token);
  const bases = apiBases(t.endpoint, t.projectId);
  const target: Target = {
    label: new URL(t.endpoint.root).host,
    kind: 'endpoint',
    root: t.endpoint.root,
    bases,
    token: t.auth.token,
    projectId: t.projectId,
    serverId: t.serverId,
    ...(t.imageId ? { imageId: t.imageId } : {}),
    ...(t.errorServerId ? { errorServerId: t.errorServerId } : {}),
    profile: config.profile.name,
    timeoutMs: config.timeoutMs,
  };
  const base = bases[config.profile.bases[config.profile.bases.length - 1]!];
  const http = new HttpClient({ token: t.auth.token, timeoutMs: config.timeoutMs });
  const client = new MetadataClient(http, base, 'servers', t.serverId);
  const ex = await client.list();
  const status = ex.response.status;
  if (status === 401) throw new ConfigError(VARS.token, `was rejected by the target (401): ${describeExchange(ex)}`);
  if (status === 404) throw new ConfigError(VARS.serverId, `server '${t.serverId}' was not found (404): ${describeExchange(ex)}`);
  if (status === 400 && /Malformed request URL/.test(ex.response.text)) throw new ConfigError(VARS.projectId, `does not match the token's project: ${describeExchange(ex)}`);
  if (!config.profile.success.read.includes(status)) throw new InfrastructureError(`cannot read the server's metadata before the run: ${describeExchange(ex)}`);
  const body = json(ex);
  const errors = schemaErrors('metadata-collection', body);
  if (errors) throw new InfrastructureError(`cannot snapshot the server's metadata, its list response is not valid (${errors}): ${describeExchange(ex)}`);
  const imageSnapshot = t.imageId ? await snapshotImage(new MetadataClient(http, base, 'images', t.imageId), config) : undefined;
  return { target, snapshot: (body as { metadata: Metadata }).metadata, ...(imageSnapshot ? { imageSnapshot } : {}) };
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

/**
 * Puts the snapshots back (replace-all) and reads them back to check; returns a problem description or
 * undefined. The image is restored only when the profile documents PUT on its collection (the image
 * suites write to an image only after seeding it that way).
 */
export async function restoreSnapshot(resolved: ResolvedTarget, config: RunConfig): Promise<string | undefined> {
  const { target } = resolved;
  const base = target.bases[config.profile.bases[config.profile.bases.length - 1]!];
  const http = new HttpClient({ token: target.token, timeoutMs: config.timeoutMs });
  const problems: string[] = [];
  if (resolved.snapshot) {
    const problem = await restore(new MetadataClient(http, base, 'servers', target.serverId), resolved.snapshot, config, 'metadata');
    if (problem) problems.push(problem);
  }
  if (resolved.imageSnapshot && target.imageId && config.profile.imageOperations.replaceAll) {
    const problem = await restore(new MetadataClient(http, base, 'images', target.imageId), resolved.imageSnapshot, config, 'image properties');
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
