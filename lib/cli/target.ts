import { randomUUID } from 'node:crypto';
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
  reference?: ReferenceServer;
}

/** Starts the embedded reference with one writable server and one image. */
export async function startEmbedded(config: RunConfig, mutant?: string): Promise<ResolvedTarget> {
  const reference = await startReference({ profile: config.profile, implementation: implementationFor(config.profile, mutant) });
  registerSecret(reference.token);
  registerSecret(reference.readerToken);
  const server = reference.store.createServer(reference.projectId, { metadata: { 'created-by': 'metaconform' } });
  const errorServer = reference.store.createServer(reference.projectId, { vmState: 'error', metadata: { fixture: 'error-state' } });
  const unlaunchedServer = reference.store.createServer(reference.projectId, { launched: false, metadata: { fixture: 'never-launched' } });
  const otherProjectServer = reference.store.createServer(randomUUID().replaceAll('-', ''), { metadata: { fixture: 'other-project' } });
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
    unlaunchedServerId: unlaunchedServer.id,
    otherProjectServerId: otherProjectServer.id,
    readerToken: reference.readerToken,
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
  const client = new MetadataClient(new HttpClient({ token: t.auth.token, timeoutMs: config.timeoutMs }), base, 'servers', t.serverId);
  const ex = await client.list();
  const status = ex.response.status;
  if (status === 401) throw new ConfigError(VARS.token, `was rejected by the target (401): ${describeExchange(ex)}`);
  if (status === 404) throw new ConfigError(VARS.serverId, `server '${t.serverId}' was not found (404): ${describeExchange(ex)}`);
  if (status === 400 && /Malformed request URL/.test(ex.response.text)) throw new ConfigError(VARS.projectId, `does not match the token's project: ${describeExchange(ex)}`);
  if (!config.profile.success.read.includes(status)) throw new InfrastructureError(`cannot read the server's metadata before the run: ${describeExchange(ex)}`);
  const body = json(ex);
  const errors = schemaErrors('metadata-collection', body);
  if (errors) throw new InfrastructureError(`cannot snapshot the server's metadata, its list response is not valid (${errors}): ${describeExchange(ex)}`);
  return { target, snapshot: (body as { metadata: Metadata }).metadata };
}

/** Puts the snapshot back (replace-all) and reads it back to check; returns a problem description or undefined. */
export async function restoreSnapshot(resolved: ResolvedTarget, config: RunConfig): Promise<string | undefined> {
  if (!resolved.snapshot) return undefined;
  const { target } = resolved;
  const base = target.bases[config.profile.bases[config.profile.bases.length - 1]!];
  const client = new MetadataClient(new HttpClient({ token: target.token, timeoutMs: config.timeoutMs }), base, 'servers', target.serverId);
  try {
    const put = await client.replaceAll(resolved.snapshot);
    if (!config.profile.success.write.includes(put.response.status)) return `restore answered ${describeExchange(put)}`;
    const check = json(await client.list()) as { metadata?: Metadata } | undefined;
    const same = JSON.stringify(Object.entries(check?.metadata ?? {}).sort()) === JSON.stringify(Object.entries(resolved.snapshot).sort());
    return same ? undefined : 'the metadata read back after the restore differs from the snapshot';
  } catch (e) {
    return (e as Error).message;
  }
}
