import * as allure from 'allure-js-commons';
import { describe, test, type TestContext } from 'vitest';
import { expect } from 'vitest';
import { getBehaviour, type Behaviour } from '../../catalogue/index.ts';
import { getProfile, type Profile } from '../../profiles/index.ts';
import { MetadataClient } from '../clients/metadata-client.ts';
import type { ApiVersion } from '../config/endpoint.ts';
import type { HttpClient } from '../http/client.ts';
import { formatExchange, type Exchange } from '../http/exchange.ts';
import { InfrastructureError } from '../errors.ts';
import { NO_VERDICT_ERRORS, PreconditionError } from './errors.ts';
import { redacting } from './redact-error.ts';
import type { ConformanceMeta } from './meta.ts';
import { currentTargets, type Target } from './target.ts';
import { fixtureServerIds, lease, type LeaseKind } from './leases.ts';
import { limiterFor, testHttp } from './tokens.ts';
import { CheckedClient } from './checked.ts';
import { operationLabel, type Operation } from './served.ts';

export type { Operation } from './served.ts';

/**
 * How long a test may run once it holds its leases. Tests of a run start together and wait for their
 * leases (leases.ts), so vitest's own timeout, which would also count the wait, is off for the suites.
 */
export const TEST_TIMEOUT_MS = 300_000;

export interface ConformanceContext {
  /** The behaviour this test checks (its rule decides what the test asserts). */
  behaviour: Behaviour;
  /** The API base this run of the test uses ('v2' or 'v2.1'); parity tests get the first base. */
  api: ApiVersion;
  /** The API bases the run tests: the profile's, or fewer (METACONFORM_BASES). */
  bases: readonly ApiVersion[];
  profile: Profile;
  target: Target;
  http: HttpClient;
  /** The metadata of the server this test leased, on this test's base. */
  readonly server: MetadataClient;
  /** The leased server's metadata through the checked client: success status and response schema asserted, the map returned. */
  readonly ok: CheckedClient;
  /** The checked client of any metadata client. */
  checked(client: MetadataClient): CheckedClient;
  /**
   * Whether an operation can be used on a client's resource and base: the profile documents it and the target
   * serves it (probed before the run). Tests use only such operations as means; see `requires` for the
   * operations a test judges.
   */
  serves(op: Operation, client?: MetadataClient): boolean;
  /** Whether the test judges an operation on the client's resource (its `requires`): observing then avoids relying on it. */
  judges(op: Operation, client?: MetadataClient): boolean;
  /** The id of the server this test leased (the target's server, or one of its lane servers). */
  readonly serverId: string;
  /** The target server's metadata on a given base. */
  serverOn(api: ApiVersion): MetadataClient;
  /**
   * Another server's metadata on this test's base: one that does not exist, or a fixture server of the
   * target (error state, never launched, another project's), which needs 'fixtures' in the uses option.
   */
  serverById(id: string): MetadataClient;
  /** The leased image's metadata (image proxy) on this test's base; undefined without METACONFORM_IMAGE_ID. */
  readonly image: MetadataClient | undefined;
  /** The target image's metadata on a given base. */
  imageOn(api: ApiVersion): MetadataClient | undefined;
  /** Sets up the starting state; a failure here means "no verdict", not non-conformance. */
  arrange<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** A named step of the check (an Allure step). */
  step<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** Ends the test as not applicable to this target, with the reason. */
  notApplicable(reason: string): never;
}

export interface ConformanceOptions {
  /** What the test checks, in a few words: the test is named `[ID] title (api)`. */
  title: string;
  /** 'each' (default): one test per API base of the profile. 'once': one test that uses several bases. */
  apis?: 'each' | 'once';
  /**
   * The operations whose own rule the test judges: not applicable when the profile does not document one of
   * them, failed (that operation's behaviours only) when the target does not serve it. Operations a test
   * only uses as a means (to arrange or observe) are not listed: it uses what `ctx.serves`.
   */
  requires?: readonly Operation[];
  /** The resource whose operations `requires` names (default 'servers'). */
  on?: 'servers' | 'images';
  /**
   * The target's resources the test reads or writes, leased for the whole test (see leases.ts); default
   * ['server']. ctx.server / ctx.image / a fixture server throw in a test that did not declare them; a test
   * that only sends requests to servers that do not exist declares [].
   */
  uses?: readonly LeaseKind[];
}

/**
 * Declares a conformance test of one behaviour of the catalogue (an unknown ID fails at collection).
 * The test is named `[ID] title (api)`, carries the behaviour to Allure and to the behaviour reporter,
 * and attaches a redacted transcript of every exchange with a curl command to reproduce it.
 */
export function conformance(id: string, options: ConformanceOptions, fn: (ctx: ConformanceContext) => Promise<void>): void {
  getBehaviour(id);
  const targets = currentTargets();
  for (const target of targets) {
    if (target.behaviours && !target.behaviours.includes(id)) continue;
    if (targets.length === 1) declare(id, options, fn, target);
    else describe(`[${target.id}]`, () => declare(id, options, fn, target));
  }
}

function declare(id: string, options: ConformanceOptions, fn: (ctx: ConformanceContext) => Promise<void>, target: Target): void {
  const { title } = options;
  const behaviour = getBehaviour(id);
  const profile = getProfile(target.profile);
  // the profile's bases, or fewer (METACONFORM_BASES)
  const bases = target.apis ?? profile.bases;
  const record = target.record ?? true;
  const runs: { api: ApiVersion; label: string }[] =
    options.apis === 'once' ? [{ api: bases[0]!, label: bases.join('+') }] : bases.map((api) => ({ api, label: api }));

  const uses = options.uses ?? ['server'];
  for (const run of runs) {
    // how many start at once is decided in one place, the runner's testsAtOnce (vitest's maxConcurrency):
    // 1 makes these run one after another, in order
    test.concurrent(`[${id}] ${title} (${run.label})`, redacting(async (t: TestContext) => {
      const meta: ConformanceMeta = { behaviour: id, target: target.id, api: run.label };
      t.task.meta.conformance = meta;
      if (record) await labels(id, run.label);
      const exchanges: Exchange[] = [];
      const requests: number[] = (meta.requests = []);
      const onExchange = (ex: Exchange) => {
        requests.push(ex.durationMs);
        if (record) exchanges.push(ex);
      };
      const timedOut = new AbortController();
      const http = testHttp(target, { limiter: limiterFor(target), onExchange, signal: timedOut.signal });
      const asked = performance.now();
      const leases = await lease(target, uses);
      const waited = performance.now() - asked;
      // tests start together and wait for their leases: a reader of a long duration learns why
      if (record && waited >= 1000) await allure.logStep(`waited ${(waited / 1000).toFixed(1)} s for the ${uses.join(' and ')} other tests held (part of this test's duration)`);
      const leased = (kind: LeaseKind): string | undefined => {
        if (!uses.includes(kind)) throw new Error(`[${id}] uses the target's ${kind} but does not declare it: add '${kind}' to the test's uses option`);
        return leases.ids[kind];
      };
      const serverOn = (api: ApiVersion) => new MetadataClient(http, target.bases[api], 'servers', leased('server')!);
      const imageOn = (api: ApiVersion) => {
        const imageId = leased('image');
        return imageId ? new MetadataClient(http, target.bases[api], 'images', imageId) : undefined;
      };
      const fixtures = new Set(fixtureServerIds(target));
      const apiOf = (client: MetadataClient): ApiVersion => (Object.entries(target.bases) as [ApiVersion, string][]).find(([, base]) => base === client.base)?.[0] ?? run.api;
      const documents = (op: Operation, resource: 'servers' | 'images') => (resource === 'images' ? profile.imageOperations : profile.operations)[op];
      const probed = (op: Operation, resource: 'servers' | 'images', api: ApiVersion) => target.served?.[resource]?.[api]?.[op];
      const ctx: ConformanceContext = {
        behaviour,
        api: run.api,
        bases,
        profile,
        target,
        http,
        get server() {
          return serverOn(run.api);
        },
        get serverId() {
          return leased('server')!;
        },
        get ok() {
          return new CheckedClient(serverOn(run.api), profile);
        },
        checked: (client) => new CheckedClient(client, profile),
        serves: (op, client) => {
          const resource = client?.resource ?? 'servers';
          return documents(op, resource) && probed(op, resource, client ? apiOf(client) : run.api)?.served !== false;
        },
        judges: (op, client) => (options.requires ?? []).includes(op) && (client?.resource ?? 'servers') === (options.on ?? 'servers'),
        serverOn,
        serverById: (serverId) => {
          if (fixtures.has(serverId)) leased('fixtures');
          return new MetadataClient(http, target.bases[run.api], 'servers', serverId);
        },
        get image() {
          return imageOn(run.api);
        },
        imageOn,
        arrange: (what, body) => arranged(what, body, record),
        step: async (what, body) => (record ? await allure.step(what, body) : await body()),
        notApplicable: (reason) => {
          meta.notApplicable = reason;
          return t.skip(reason);
        },
      };
      try {
        const resource = options.on ?? 'servers';
        const required = options.requires ?? [];
        const undocumented = required.filter((op) => !documents(op, resource));
        if (undocumented.length) ctx.notApplicable(`profile '${profile.name}' does not document ${undocumented.map((op) => operationLabel(op, resource)).join(', ')}`);
        const apis = options.apis === 'once' ? bases : [run.api];
        const unserved = required.flatMap((op) => apis.map((api) => [op, api, probed(op, resource, api)] as const)).filter(([, , p]) => p?.served === false);
        if (unserved.length) {
          expect.fail(unserved.map(([op, api, p]) => `${operationLabel(op, resource)} on /${api}: ${p!.evidence}`).join('; '));
        }
        await withinTimeout(fn(ctx), timedOut);
      } finally {
        leases.release();
        await attachTranscript(exchanges);
      }
    }));
  }
}

/**
 * Runs a step that arranges a test's starting state (ctx.arrange; an Allure step when recording): a failure there
 * is "no verdict", a PreconditionError naming what could not be arranged; no-verdict errors pass as they are.
 */
export async function arranged<T>(what: string, body: () => Promise<T>, record = false): Promise<T> {
  try {
    return record ? await allure.step(`arrange: ${what}`, body) : await body();
  } catch (e) {
    const err = e as Error;
    if (NO_VERDICT_ERRORS.has(err.name)) throw err;
    throw new PreconditionError(`could not arrange "${what}": ${err.message}`);
  }
}

/**
 * Waits for the test's body, at most TEST_TIMEOUT_MS. On timeout the test's client stops sending (its
 * request in flight is dropped), so the leases can go to the next test; the body then ends unobserved.
 */
export async function withinTimeout(body: Promise<void>, timedOut: AbortController, ms = TEST_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new InfrastructureError(`the test timed out after ${ms / 1000} s, no verdict`);
      timedOut.abort(error.message);
      reject(error);
    }, ms);
  });
  body.catch(() => undefined);
  try {
    await Promise.race([body, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function labels(id: string, api: string): Promise<void> {
  const b = getBehaviour(id);
  // one runtime message for all labels (each call is a message from the worker)
  await allure.labels(
    { name: 'behaviour', value: b.id },
    { name: 'epic', value: b.epic },
    { name: 'feature', value: b.feature },
    { name: 'story', value: `${b.id} ${b.rule}` },
    { name: 'level', value: b.level },
    ...b.tags.map((value) => ({ name: 'tag', value })),
  );
  await allure.parameter('api', api);
  await allure.description(`**${b.id}** (${b.level}): ${b.rule}\n\nSources:\n${b.source.map((s) => `- ${s}`).join('\n')}`);
}

/**
 * The test's exchanges as one Allure attachment, in order, each with a curl command to reproduce it. One
 * attachment per test, not per exchange: a file and a worker message per request cost a fifth of a run's
 * time on a small machine, and the story of a test reads top to bottom (the failing exchange is the last).
 */
async function attachTranscript(exchanges: readonly Exchange[]): Promise<void> {
  if (!exchanges.length) return;
  const parts = exchanges.map((ex, i) => {
    const title = `${String(i + 1).padStart(2, '0')} ${ex.request.method} ${new URL(ex.request.url).pathname} → ${ex.response.status}`;
    return `=== ${title} ===\n${formatExchange(ex)}`;
  });
  const last = exchanges[exchanges.length - 1]!;
  const name = `transcript: ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'} (last ${last.request.method} → ${last.response.status})`;
  await allure.attachment(name, parts.join('\n\n'), 'text/plain');
}
