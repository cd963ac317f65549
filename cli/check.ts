import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { appliesTo, CATALOGUE } from '../catalogue/index.ts';
import { openSession, type Session } from '../lib/auth/session.ts';
import { configureTls } from '../lib/http/connections.ts';
import { readerSession } from './resolve-target.ts';
import { isV2, type AuthMethod, type KeystoneCredentials } from '../lib/auth/types.ts';
import { MetadataClient } from '../lib/clients/metadata-client.ts';
import type { ApiVersion } from '../lib/config/endpoint.ts';
import { apiBases } from '../lib/config/endpoint.ts';
import { loadConfig, type RunConfig } from '../lib/config/load.ts';
import { VARS } from '../lib/config/variables.ts';
import { ConfigError, EXIT, InfrastructureError } from '../lib/errors.ts';
import { collectionMap } from '../lib/harness/lenient.ts';
import { HttpClient } from '../lib/http/client.ts';
import { closeConnections } from '../lib/http/connections.ts';
import { describeExchange, json } from '../lib/http/exchange.ts';
import { redactText } from '../lib/http/redact.ts';
import { discoverFacts } from './discovery.ts';
import { paint } from './output.ts';
import { probeAuthentication } from './probe.ts';
import { basesProblem, probeBases, readServerMetadata, snapshotImage, startEmbedded } from './resolve-target.ts';
import { checkMutant } from './usage.ts';

/**
 * `metaconform check`, like `tempest verify-config`: is the configuration complete and does the target answer
 * as a run needs it? One line per item — configuration, authentication, catalog, bases, microversions, the
 * server, the image, the fixture servers, the reader credential — each OK or what to fix. Read-only: the
 * target only gets GET requests (and Keystone the token request); nothing is written, locked or marked, and
 * no results folder is created. Exit 0 when all is OK, 2 when the configuration is wrong, 3 when the target
 * cannot be reached.
 */

type Env = Record<string, string | undefined>;

/** ok; fail: the configuration is wrong (exit 2); down: the target did not answer (exit 3); warn: worth knowing, not a failure; skip: not configured or not checked. */
export type CheckStatus = 'ok' | 'fail' | 'down' | 'warn' | 'skip';

export interface CheckLine {
  status: CheckStatus;
  subject: string;
  text: string;
}

const WORDS: Readonly<Record<CheckStatus, [string, Parameters<typeof paint>[1][]]>> = {
  ok: ['OK', ['green']],
  fail: ['FAIL', ['red', 'bold']],
  down: ['FAIL', ['red', 'bold']],
  warn: ['WARN', ['yellow']],
  skip: ['--', ['dim']],
};

export function formatCheckLine(line: CheckLine): string {
  const [word, styles] = WORDS[line.status];
  return `  ${paint(word.padEnd(4), ...styles)}  ${line.subject.padEnd(22)} ${redactText(line.text).replace(/\s*\n\s*/g, ' ')}`;
}

/** The exit status of a check: 2 when something is misconfigured, else 3 when the target did not answer, else 0. */
export function checkExit(lines: readonly CheckLine[]): number {
  if (lines.some((l) => l.status === 'fail')) return EXIT.USAGE;
  if (lines.some((l) => l.status === 'down')) return EXIT.NO_VERDICT;
  return EXIT.CONFORMANT;
}

/** What a target needs for the checks that follow authentication. */
interface Reached {
  http: HttpClient;
  root: string;
  bases: Record<ApiVersion, string>;
  token: string;
  authKind: 'token' | 'keystone';
  serverId?: string;
  imageId?: string;
  errorServerId?: string;
  unlaunchedServerId?: string;
  otherProjectServerId?: string;
  readerToken?: string;
}

export interface CheckOptions {
  /** Warnings about the environment (unknown METACONFORM_* variables): each is a line to fix. */
  warnings?: readonly string[];
  /** Only problems and the last line (--quiet). */
  quiet?: boolean;
}

class Report {
  readonly lines: CheckLine[] = [];
  constructor(
    private readonly out: (line: string) => void,
    private readonly quiet: boolean,
  ) {}

  add(status: CheckStatus, subject: string, text: string): void {
    const line = { status, subject, text };
    this.lines.push(line);
    if (!this.quiet || status === 'fail' || status === 'down' || status === 'warn') this.out(formatCheckLine(line));
  }

  /**
   * Runs one item: a ConfigError is a line to fix, an InfrastructureError a target that did not answer;
   * returns whether it passed.
   */
  async item(subject: string, check: () => Promise<[CheckStatus, string]>): Promise<boolean> {
    try {
      const [status, text] = await check();
      this.add(status, subject, text);
      return status !== 'fail' && status !== 'down';
    } catch (e) {
      if (e instanceof ConfigError) this.add('fail', subject, e.message);
      else if (e instanceof InfrastructureError) this.add('down', subject, `cannot be reached or gave no usable answer: ${e.message}`);
      else throw e;
      return false;
    }
  }
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** Required behaviours of the profile whose ID starts with a prefix (e.g. the image-metadata ones). */
function requiredCount(config: RunConfig, prefix: string): number {
  return CATALOGUE.filter((b) => b.level === 'required' && b.id.startsWith(prefix) && appliesTo(b, config.profile.name)).length;
}

/** The results folder a run would write: it exists and is writable, or the nearest existing folder above it is (nothing is created). */
function resultsFolder(dir: string): [CheckStatus, string] {
  const absolute = resolve(dir);
  let path = absolute;
  while (!statSync(path, { throwIfNoEntry: false }) && dirname(path) !== path) path = dirname(path);
  const stat = statSync(path, { throwIfNoEntry: false });
  const variable = VARS.resultsDir;
  if (!stat?.isDirectory()) return ['fail', `${variable}: ${path} is not a folder, so ${absolute} cannot be the results folder`];
  try {
    accessSync(path, constants.W_OK);
  } catch {
    return ['fail', `${variable}: ${path} is not writable; name a folder the run can write`];
  }
  return ['ok', path === absolute ? `${absolute} (exists, writable)` : `${absolute} (created by the run; ${path} is writable)`];
}

function describeConfig(config: RunConfig, env: Env): string {
  const bases = (config.bases ?? config.profile.bases).map((b) => `/${b}`).join(' and ');
  const target =
    config.target.kind === 'reference'
      ? `the embedded reference${config.target.mutant ? ` with mutant ${config.target.mutant}` : ''} (${env[VARS.target] ? `${VARS.target}=reference` : 'no target variable is set'})`
      : `an endpoint${env.OS_CLOUD ? ` (cloud ${env.OS_CLOUD} of clouds.yaml)` : ''}`;
  return `target ${target}; profile ${config.profile.name} (${bases}${config.bases ? `, ${VARS.bases}` : ''}); concurrency ${config.concurrency}; request timeout ${config.timeoutMs} ms`;
}

function describeCredentials(c: KeystoneCredentials): string {
  switch (c.method) {
    case 'password':
      return `password of user ${c.user.name ?? c.user.id}`;
    case 'application_credential':
      return `application credential ${c.id ?? c.name}`;
    case 'token':
      return 'OS_TOKEN exchanged for a scoped token';
    case 'v2-password':
      return `password of user ${c.username}`;
    case 'v2-api-key':
      return `API key of user ${c.username}`;
    case 'v2-token':
      return 'OS_TOKEN exchanged for a scoped token';
  }
}

/** Which compute endpoint the session uses, and why. */
function describeEndpoint(session: Session, auth: AuthMethod, env: Env): string {
  const url = `${session.endpoint.root} (project ${session.projectId})`;
  if (session.endpointFrom === VARS.computeUrl) {
    return `${url}: from ${VARS.computeUrl}${auth.kind === 'keystone' ? ', which overrides the service catalog' : ' (a pre-issued token: no Keystone, no catalog)'}`;
  }
  if (auth.kind !== 'keystone') return url;
  const compute = (session.catalog ?? []).find((e) => e.type === 'compute');
  const offered = (compute?.endpoints ?? []).map((e) => `${e.interface}@${e.region ?? e.region_id ?? '?'}`);
  const why = [
    `interface ${auth.interface} (${env.OS_INTERFACE ? 'OS_INTERFACE' : 'the default; OS_INTERFACE changes it'})`,
    auth.region ? `region ${auth.region} (OS_REGION_NAME)` : 'the only region that offers one (OS_REGION_NAME is not set)',
  ];
  return `${url}: the service catalog's compute endpoint for ${why.join(', ')}; the catalog offers ${offered.join(', ') || 'no compute endpoint'}`;
}

/** A server's view (GET /servers/{id}), or undefined when it cannot be read (the metadata read decides). */
async function serverView(http: HttpClient, base: string, id: string): Promise<Record<string, unknown> | undefined> {
  try {
    const ex = await http.send('GET', `${base}/servers/${encodeURIComponent(id)}`, { allow5xx: true });
    if (ex.response.status !== 200 && ex.response.status !== 203) return undefined;
    return (json(ex) as { server?: Record<string, unknown> } | undefined)?.server;
  } catch {
    return undefined;
  }
}

/** vm_states in which Nova refuses metadata writes of the run's server (compute/api.py update_instance_metadata). */
const WRITABLE_STATES = ['active', 'paused', 'suspended', 'stopped'];

/** The checks that need a target that answers: the same for an endpoint and for the embedded reference. */
async function checkReached(report: Report, config: RunConfig, t: Reached): Promise<void> {
  const wanted = config.bases ?? config.profile.bases;
  const ok = await report.item('API bases', async () => {
    const probed = await probeBases(t.http, t.root, t.bases, t.serverId, config.profile.bases);
    const problem = basesProblem(probed, config);
    if (problem) throw problem;
    const unused = probed.served.filter((b) => !wanted.includes(b));
    return ['ok', `${t.root} serves ${probed.served.map((b) => `/${b}`).join(' and ')}; the run tests ${wanted.map((b) => `/${b}`).join(' and ')}${unused.length ? ` (${VARS.bases} leaves out ${unused.map((b) => `/${b}`).join(', ')})` : ''}`];
  });
  if (!ok && report.lines.at(-1)?.status === 'down') {
    report.add('skip', 'the rest', 'not checked: the compute endpoint did not answer');
    return;
  }
  const base = wanted[wanted.length - 1]!;
  const tokenVariable = t.authKind === 'token' ? VARS.token : 'OS_AUTH_URL';
  const tokenOk = await report.item('token', async () => {
    const ex = await t.http.send('GET', `${t.bases[base]}/limits`, { allow5xx: true });
    if (ex.response.status === 401) throw new ConfigError(tokenVariable, `the token was rejected by the compute endpoint (401): ${describeExchange(ex)}`);
    if (ex.response.status === 403) throw new ConfigError(tokenVariable, `the token may not read the project's limits (403): is it scoped to project ${t.bases[base].split('/').pop()}? ${describeExchange(ex)}`);
    const absolute = (json(ex) as { limits?: { absolute?: Record<string, unknown> } } | undefined)?.limits?.absolute;
    if (ex.response.status >= 300 || !absolute) return ['warn', `accepted, but GET /${base}/{project}/limits answered ${ex.response.status} without limits: the quota behaviours use the profile's limits`];
    const limits = ['maxServerMeta', 'maxImageMeta'].filter((k) => absolute[k] !== undefined).map((k) => `${k} ${String(absolute[k])}`);
    return ['ok', `accepted by the compute endpoint (GET /${base}/{project}/limits: ${ex.response.status}${limits.length ? `; ${limits.join(', ')}` : ''})`];
  });
  if (!tokenOk) {
    report.add('skip', 'the rest', 'not checked: the compute endpoint did not accept the token');
    return;
  }
  await report.item('microversions', async () => {
    if (!config.profile.bases.includes('v2.1')) return ['skip', `the ${config.profile.name} profile tests /v2 only: no microversions`];
    const facts = await discoverFacts({ root: t.root, token: t.token, timeoutMs: config.timeoutMs });
    if (!facts.maxMicroversion) return ['warn', `GET ${t.root}/v2.1/ names no microversion range: behaviours that need a microversion will not be applicable`];
    return ['ok', `${facts.minMicroversion ?? '?'} – ${facts.maxMicroversion} (GET ${t.root}/v2.1/)`];
  });
  await report.item('server', async () => {
    if (!t.serverId) {
      const boot = config.target.kind === 'endpoint' ? config.target.boot : undefined;
      return ['skip', `${VARS.serverId} is not set: the run boots its own server (flavor ${boot?.flavor}, image ${boot?.image}, network ${boot?.network ?? 'default'}) and deletes it; booting is a write, so it is not tried here`];
    }
    const metadata = await readServerMetadata(new MetadataClient(t.http, t.bases[base], 'servers', t.serverId), t.authKind);
    const view = await serverView(t.http, t.bases[base], t.serverId);
    const vmState = typeof view?.['OS-EXT-STS:vm_state'] === 'string' ? (view['OS-EXT-STS:vm_state'] as string) : undefined;
    const state = vmState ? `vm_state ${vmState}` : typeof view?.status === 'string' ? `status ${view.status}` : 'state not shown';
    if (vmState && !WRITABLE_STATES.includes(vmState)) throw new ConfigError(VARS.serverId, `server '${t.serverId}' is in vm_state ${vmState}, in which metadata writes are refused: name an ACTIVE server`);
    if (view?.locked === true) throw new ConfigError(VARS.serverId, `server '${t.serverId}' is locked: the run's writes would be refused; unlock it ('openstack server unlock') or name another`);
    return ['ok', `${t.serverId}: exists, ${state}, metadata readable (${plural(Object.keys(metadata).length, 'item')}, GET /${base})`];
  });
  if (t.serverId) {
    await report.item('auth enforced', async () => {
      const probe = await probeAuthentication(new MetadataClient(t.http, t.bases[base], 'servers', t.serverId!));
      return [probe.authEnforced === true ? 'ok' : 'warn', `${probe.note}${probe.authEnforced === false ? ' (the 401 behaviours will not be applicable)' : ''}`];
    });
  }
  await report.item('image', async () => {
    if (!t.imageId) return ['skip', `${VARS.imageId} is not set: the ${requiredCount(config, 'IM-')} required image-metadata behaviours will not be applicable`];
    const properties = await snapshotImage(new MetadataClient(t.http, t.bases[base], 'images', t.imageId));
    return ['ok', `${t.imageId}: properties readable through the image-metadata proxy (${plural(Object.keys(properties).length, 'property', 'properties')}, GET /${base})`];
  });
  await fixtures(report, t, base);
  await report.item('reader credential', async () => {
    if (!t.readerToken) return ['skip', 'not configured: the behaviours that need a reader-only credential (SM-AUTH-002, SM-AUTH-004) will not be applicable'];
    const ex = await new MetadataClient(t.http, t.bases[base], 'servers', t.serverId!).list({ headers: { 'X-Auth-Token': t.readerToken } });
    if (ex.response.status >= 300) throw new ConfigError('reader credential', `cannot read the server's metadata (${ex.response.status}): ${describeExchange(ex)}`);
    return ['ok', `reads the server's metadata (GET /${base}: ${ex.response.status})`];
  });
}

/** The fixture servers: one in a vm_state that forbids writes, one that never launched, one of another project. */
async function fixtures(report: Report, t: Reached, base: ApiVersion): Promise<void> {
  const readable = async (variable: string, id: string): Promise<number> => {
    const ex = await new MetadataClient(t.http, t.bases[base], 'servers', id).list({ allow5xx: true });
    if (ex.response.status === 404) throw new ConfigError(variable, `server '${id}' was not found (404): name a server of project ${t.bases[base].split('/').pop()}`);
    const map = ex.response.status < 300 ? collectionMap(ex) : undefined;
    if (!map) throw new ConfigError(variable, `cannot read the metadata of server '${id}': ${describeExchange(ex)}`);
    return Object.keys(map).length;
  };
  await report.item('error-state server', async () => {
    const id = t.errorServerId;
    if (!id) return ['skip', `not configured (${VARS.errorServerId}): SM-STATE-001 will not be applicable`];
    const items = await readable(VARS.errorServerId, id);
    const vmState = (await serverView(t.http, t.bases[base], id))?.['OS-EXT-STS:vm_state'];
    if (typeof vmState === 'string' && WRITABLE_STATES.includes(vmState)) throw new ConfigError(VARS.errorServerId, `server '${id}' is in vm_state ${vmState}, which allows metadata writes: name a server in ERROR (or another state that forbids them)`);
    return ['ok', `${id}: metadata readable (${plural(items, 'item')}), ${typeof vmState === 'string' ? `vm_state ${vmState}` : 'vm_state not shown to this token'}`];
  });
  await report.item('never-launched server', async () => {
    const id = t.unlaunchedServerId;
    if (!id) return ['skip', `not configured (${VARS.unlaunchedServerId}): SM-STATE-002 will not be applicable`];
    const items = await readable(VARS.unlaunchedServerId, id);
    const view = await serverView(t.http, t.bases[base], id);
    const launchedAt = view?.['OS-SRV-USG:launched_at'];
    if (typeof launchedAt === 'string' && launchedAt) throw new ConfigError(VARS.unlaunchedServerId, `server '${id}' was launched at ${launchedAt}: name a server that never launched`);
    return ['ok', `${id}: metadata readable (${plural(items, 'item')}), ${launchedAt === undefined ? 'launched_at not shown to this token' : 'never launched'}`];
  });
  await report.item("other project's server", async () => {
    const id = t.otherProjectServerId;
    if (!id) return ['skip', `not configured (${VARS.otherProjectServerId}): SM-AUTH-003 will not be applicable`];
    const ex = await new MetadataClient(t.http, t.bases[base], 'servers', id).list({ allow5xx: true });
    if (ex.response.status === 404) return ['ok', `${id}: invisible to this project (404), as SM-AUTH-003 needs`];
    if (ex.response.status < 300) throw new ConfigError(VARS.otherProjectServerId, `server '${id}' is visible to this project (${ex.response.status}): name a server of another project`);
    return ['warn', `${id}: answered ${ex.response.status}, not 404: SM-AUTH-003 will judge that (${describeExchange(ex)})`];
  });
}

/** `metaconform check`: prints one line per item and a last line; returns the exit status. */
export async function runCheck(env: Env, opts: CheckOptions = {}, out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const report = new Report(out, opts.quiet ?? false);
  if (!opts.quiet) out('metaconform check: read-only (GET requests only; nothing is written, locked or marked)');
  for (const w of opts.warnings ?? []) report.add('fail', 'environment', w);
  let config: RunConfig | undefined;
  await report.item('configuration', async () => {
    config = loadConfig(env);
    if (config.target.kind === 'reference') await checkMutant(config.target.mutant);
    return ['ok', describeConfig(config, env)];
  });
  if (config) {
    const [status, text] = resultsFolder(config.resultsDir);
    report.add(status, 'results folder', text);
    try {
      if (config.target.kind === 'reference') await checkReference(report, config);
      else await checkEndpoint(report, config, env);
    } finally {
      await closeConnections();
    }
  } else {
    report.add('skip', 'the rest', 'not checked: fix the configuration first');
  }
  const status = checkExit(report.lines);
  const problems = report.lines.filter((l) => l.status === 'fail' || l.status === 'down').length;
  const warnings = report.lines.filter((l) => l.status === 'warn').length;
  const last =
    status === EXIT.CONFORMANT
      ? `all OK${warnings ? ` (${plural(warnings, 'warning')})` : ''}`
      : `${plural(problems, 'problem')} to fix: ${status === EXIT.USAGE ? 'the configuration is wrong' : 'the target could not be reached'}`;
  out(`metaconform check: ${paint(last, status === EXIT.CONFORMANT ? 'green' : 'red', 'bold')} (exit ${status})`);
  return status;
}

async function checkReference(report: Report, config: RunConfig): Promise<void> {
  const resolved = await startEmbedded({ ...config, concurrency: 1 }, config.target.kind === 'reference' && config.target.mutant ? { mutant: config.target.mutant } : {});
  try {
    const { target } = resolved;
    report.add('ok', 'authentication', "the embedded reference's own token (nothing to configure)");
    report.add('ok', 'compute endpoint', `${target.root} (project ${target.projectId}): the embedded reference, started for this check`);
    await checkReached(report, config, {
      http: new HttpClient({ token: target.token, timeoutMs: config.timeoutMs }),
      root: target.root,
      bases: target.bases,
      token: target.token,
      authKind: 'token',
      serverId: target.serverId,
      ...(target.imageId ? { imageId: target.imageId } : {}),
      ...(target.errorServerId ? { errorServerId: target.errorServerId } : {}),
      ...(target.unlaunchedServerId ? { unlaunchedServerId: target.unlaunchedServerId } : {}),
      ...(target.otherProjectServerId ? { otherProjectServerId: target.otherProjectServerId } : {}),
      ...(target.readerToken ? { readerToken: target.readerToken } : {}),
    });
  } finally {
    await resolved.reference?.close();
  }
}

async function checkEndpoint(report: Report, config: RunConfig, env: Env): Promise<void> {
  if (config.target.kind !== 'endpoint') return;
  const t = config.target;
  configureTls(config.tls);
  let session: Session | undefined;
  await report.item('authentication', async () => {
    session = await openSession(t, config.timeoutMs);
    if (t.auth.kind === 'token') return ['ok', `a pre-issued ${VARS.token} (no Keystone); the compute endpoint's answer to it is checked below`];
    const version = isV2(t.auth.credentials) ? 'v2.0' : 'v3';
    return ['ok', `Keystone ${version} at ${t.auth.authUrl}: ${describeCredentials(t.auth.credentials)}; token issued for project ${session.projectId}`];
  });
  if (!session) {
    report.add('skip', 'the rest', `not checked: ${report.lines.at(-1)?.status === 'down' ? 'Keystone did not answer' : 'authentication failed'}`);
    return;
  }
  const s = session;
  report.add('ok', 'compute endpoint', describeEndpoint(s, t.auth, env));
  let readerToken: string | undefined;
  if (t.reader) {
    const reader = t.reader;
    // logged in here; whether it may read the server is checked with the server below
    await report.item('reader login', async () => {
      readerToken = await readerSession(reader, s, config);
      return ['ok', `the reader credential (${reader.kind === 'token' ? VARS.readerToken : VARS.readerCloud}) is of project ${s.projectId}`];
    });
  }
  await checkReached(report, config, {
    http: new HttpClient({ token: s.token, timeoutMs: config.timeoutMs }),
    root: s.endpoint.root,
    bases: apiBases(s.endpoint, s.projectId),
    token: s.token,
    authKind: t.auth.kind,
    ...(t.serverId ? { serverId: t.serverId } : {}),
    ...(t.imageId ? { imageId: t.imageId } : {}),
    ...(t.errorServerId ? { errorServerId: t.errorServerId } : {}),
    ...(t.unlaunchedServerId ? { unlaunchedServerId: t.unlaunchedServerId } : {}),
    ...(t.otherProjectServerId ? { otherProjectServerId: t.otherProjectServerId } : {}),
    ...(readerToken ? { readerToken } : {}),
  });
}
