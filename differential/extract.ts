/**
 * Reads the ground-truth transcripts of real Nova 26.2.2 (shared/spec/nova-ground-truth.md) and writes
 * differential/cases.json: per case and base the request (with placeholders instead of the recorded ids) and
 * Nova's answer reduced to what the differential compares. Run by hand, not in CI:
 *
 *   npx tsx differential/extract.ts ../shared/spec/nova-ground-truth.md [differential/cases.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCurl, parseTranscript, type RawCase, type RawExchange, type RawResponse } from './transcript.ts';
import { leadingMembers, numberedItems, pythonDumps, rebuild, repeatFills, truncation } from './truncation.ts';
import { RESET_METADATA, type BodyShape, type CasesFile, type DiffCase, type FollowUp, type RecordedAnswer, type TokenUse } from './types.ts';
import type { Metadata } from '../lib/protocol.ts';


/**
 * Cases that do not start from the *reset* state: the transcript ran them right after another case (the
 * marker and the setup are only in their titles). `after` = the state the named case left (its follow-up read,
 * else its answer); `metadata` = an explicit state.
 */
const PRECONDITIONS: Record<string, { after: string } | { metadata: Metadata }> = {
  B21: { after: 'B20' }, // "after B20 put"
  F3: { after: 'F1' }, // "onto 128 existing"
  F4: { after: 'F1' }, // "while at 128"
  F5: { after: 'F1' }, // "onto 128 existing"
  F6: { metadata: {} }, // "onto empty"
};

/** Fixture servers of section G other than the error server: no target of ours has them. */
const FIXTURE_TITLES: [RegExp, string, string][] = [
  [/locked \(locked_by=owner\)/, '{lockedByOwnerServer}', 'locked server fixture (locked by its owner)'],
  [/locked \(locked_by=admin\)/, '{lockedByAdminServer}', 'locked server fixture (locked by an admin)'],
  [/vm_state=building/, '{buildingServer}', 'server fixture in vm_state building'],
  [/vm_state=stopped/, '{stoppedServer}', 'server fixture in vm_state stopped'],
  [/task_state=rebooting/, '{rebootingServer}', 'server fixture in task_state rebooting'],
];

/** Cases whose recorded token cannot be used, but whose answer does not depend on it. */
const TOKEN_SUBSTITUTIONS: Record<string, string> = {
  E5: "recorded with the token 'demo:demo-project'; the route does not exist for a non-hex project segment, so the answer does not depend on the token and the target's own token is sent",
};

function fail(message: string): never {
  throw new Error(message);
}

interface Ids {
  origin: string;
  project: string;
  server: string;
  image: string;
  errorServer: string;
  /** id → placeholder for every other id seen in URLs and tokens. */
  extra: Map<string, string>;
}

function discoverIds(markdown: string, cases: RawCase[]): Ids {
  const server = /^## A\. .*\(server ([0-9a-f-]{36})/m.exec(markdown)?.[1] ?? fail('no server id in the section A heading');
  const image = /^## J\. .*\(image ([0-9a-f-]{36})/m.exec(markdown)?.[1] ?? fail('no image id in the section J heading');
  const first = parseCurl(cases[0]!.blocks[0]!.exchange.curl);
  const origin = new URL(first.url).origin;
  const project = /X-Auth-Token: demo:([0-9a-f]{32})/.exec(markdown)?.[1] ?? fail('no demo token');
  const extra = new Map<string, string>();
  let errorServer: string | undefined;
  for (const c of cases) {
    for (const b of c.blocks) {
      const req = parseCurl(b.exchange.curl);
      const id = /\/servers\/([^/]+)/.exec(new URL(req.url.replace(/…<\d+ chars total>…/, '')).pathname)?.[1];
      if (!id || id === server) continue;
      if (/vm_state=error/.test(c.title)) errorServer = id;
      const fixture = FIXTURE_TITLES.find(([re]) => re.test(c.title));
      if (fixture) extra.set(id, fixture[1]);
    }
  }
  return { origin, project, server, image, errorServer: errorServer ?? fail('no vm_state=error fixture'), extra };
}

function placeholderFor(ids: Ids, id: string): string | undefined {
  if (id === ids.project) return '{project}';
  if (id === ids.server) return '{server}';
  if (id === ids.image) return '{image}';
  if (id === ids.errorServer) return '{errorServer}';
  return ids.extra.get(id);
}

const ID_LIKE = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Replaces the recorded ids in a text (messages) by their placeholders; unknown ids by {other}. */
function withPlaceholders(ids: Ids, text: string): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}/g, (id) => placeholderFor(ids, id) ?? '{other}');
}

function tokenUse(ids: Ids, headers: [string, string][]): TokenUse {
  const token = headers.find(([n]) => n.toLowerCase() === 'x-auth-token')?.[1];
  if (token === undefined) return { sent: false, role: 'none' };
  const m = /^([^:]+):(.+)$/.exec(token);
  if (!m) return { sent: true, role: 'garbage' };
  const [, user, project] = m as unknown as [string, string, string];
  const role = user === 'demo' ? 'demo' : user === 'admin' ? 'admin' : 'other';
  return { sent: true, role, project: ID_LIKE.test(project) ? (placeholderFor(ids, project) ?? '{other}') : project };
}

function header(res: RawResponse, name: string): string | undefined {
  return res.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).at(-1)?.[1];
}

function mapOf(value: unknown): Metadata | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, v]) => typeof v === 'string') ? (Object.fromEntries(entries) as Metadata) : undefined;
}

function jsonShape(ids: Ids, parsed: unknown): BodyShape {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { kind: 'json', members: [] };
  const top = parsed as Record<string, unknown>;
  const members = Object.keys(top).sort();
  const shape: BodyShape & { kind: 'json' } = { kind: 'json', members };
  if (members.length === 1) {
    const inner = top[members[0]!] as Record<string, unknown> | undefined;
    if (inner && typeof inner === 'object' && typeof inner['code'] === 'number' && typeof inner['message'] === 'string') {
      shape.fault = { name: members[0]!, code: inner['code'], message: withPlaceholders(ids, inner['message']) };
    }
    if (members[0] === 'metadata' || members[0] === 'meta') {
      const map = mapOf(inner);
      if (map) shape.map = map;
    }
  }
  return shape;
}

/** Nova's answer reduced to status, content type, microversion headers and body shape. */
function answer(ids: Ids, res: RawResponse, candidates: () => string[], rebuilt: string[]): RecordedAnswer {
  const contentType = header(res, 'Content-Type');
  const base = { status: res.status, ...(contentType !== undefined ? { contentType } : {}), microversionHeaders: header(res, 'OpenStack-API-Version') !== undefined };
  const text = res.body;
  if (!text.trim()) return { ...base, body: { kind: 'empty' } };
  if (contentType?.startsWith('text/html')) return { ...base, body: { kind: 'html' } };
  if (contentType?.startsWith('text/plain')) return { ...base, body: { kind: 'text' } };
  const cut = truncation(text);
  if (!cut) return { ...base, body: jsonShape(ids, JSON.parse(text)) };
  let full: string | undefined;
  try {
    full = rebuild(text, cut, candidates());
  } catch {
    full = undefined;
  }
  if (full !== undefined) {
    rebuilt.push('response body');
    return { ...base, body: jsonShape(ids, JSON.parse(full)) };
  }
  // Only the beginning is known: members from it, the fault name and code if it is a fault.
  const members = leadingMembers(cut.prefix).sort();
  const fault = /^\{"(\w+)": \{"code": (\d+), "message": /.exec(cut.prefix);
  return { ...base, body: { kind: 'json', members, ...(fault ? { fault: { name: fault[1]!, code: Number(fault[2]) } } : {}), truncated: true } };
}

function followUpOf(ids: Ids, base: string, ex: RawExchange, candidates: string[], rebuilt: string[]): FollowUp {
  const req = parseCurl(ex.curl);
  const path = templatePath(ids, base, req.url, 'follow-up');
  let text = ex.response.body;
  const cut = truncation(text);
  if (cut) {
    text = rebuild(text, cut, candidates);
    rebuilt.push('follow-up body');
  }
  const parsed = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  const map = mapOf(parsed['metadata'] ?? parsed['meta']);
  return { method: req.method, path, status: ex.response.status, ...(map ? { map } : {}) };
}

/** The path after the base with placeholders for the recorded ids. */
function templatePath(ids: Ids, base: string, url: string, where: string): string {
  if (!url.startsWith(`${ids.origin}/${base}/`)) fail(`${where}: ${url} is not under ${ids.origin}/${base}`);
  const segments = url.slice(`${ids.origin}/${base}`.length).split('/');
  return segments.map((s) => (ID_LIKE.test(s) ? (placeholderFor(ids, s) ?? '{other}') : s)).join('/');
}

function requestMap(body: string | undefined): { metadata?: Metadata; meta?: Metadata } {
  try {
    const parsed = JSON.parse(body ?? '') as Record<string, unknown>;
    const metadata = mapOf(parsed['metadata']);
    const meta = mapOf(parsed['meta']);
    return { ...(metadata ? { metadata } : {}), ...(meta ? { meta } : {}) };
  } catch {
    return {};
  }
}

/** The transcript's summary table gives every case's v2.1 and v2 status: the parsed answers must agree with it. */
function checkAgainstSummary(markdown: string, out: DiffCase[]): void {
  const rows = [...markdown.matchAll(/^\| ([A-Z]\d+[a-z]?) \| .* \| (\d{3}) \| (\d{3}) \|.*\|.*\|$/gm)];
  if (rows.length === 0) fail('no summary table found');
  const ids = new Set(out.map((c) => c.id));
  for (const [, id, v21, v2] of rows) {
    if (!ids.has(id!)) fail(`summary row ${id} has no transcript`);
    for (const [base, status] of [['v2.1', v21], ['v2', v2]] as const) {
      const c = out.find((x) => x.id === id && x.base === base) ?? fail(`${id} ${base}: no transcript`);
      if (c.nova.status !== Number(status)) fail(`${id} ${base}: transcript says ${c.nova.status}, summary table ${status}`);
    }
  }
  if (rows.length !== ids.size) fail(`summary table has ${rows.length} rows, transcripts ${ids.size} cases`);
}

function main(): void {
  const [input, output = resolve(import.meta.dirname, 'cases.json')] = process.argv.slice(2);
  if (!input) fail('usage: npx tsx differential/extract.ts <nova-ground-truth.md> [cases.json]');
  const markdown = readFileSync(input, 'utf8');
  const raw = parseTranscript(markdown);
  const ids = discoverIds(markdown, raw);
  const out: DiffCase[] = [];
  /** State each (case, base) left behind, for PRECONDITIONS. */
  const leftBehind = new Map<string, Metadata>();

  for (const c of raw) {
    if (c.blocks.length === 0) fail(`${c.id}: no exchanges`);
    for (const block of c.blocks) {
      const rebuilt: string[] = [];
      const ex: RawExchange = block.exchange;
      const req = parseCurl(ex.curl);
      let url = req.url;
      const urlCut = truncation(url);
      if (urlCut) {
        const known = `${ids.origin}/${block.base}/${ids.project}/servers/${ids.server}/metadata/`;
        url = rebuild(url, urlCut, repeatFills(urlCut, [known]));
        rebuilt.push('url');
      }
      let body = req.body;
      const bodyCut = body !== undefined ? truncation(body) : undefined;
      if (body !== undefined && bodyCut) {
        body = rebuild(body, bodyCut, [...repeatFills(bodyCut), ...numberedItems(bodyCut)]);
        rebuilt.push('request body');
      }
      const path = templatePath(ids, block.base, url, c.id);

      const headers: Record<string, string> = { Accept: '*/*' };
      for (const [name, value] of req.headers) {
        if (name.toLowerCase() === 'x-auth-token') continue;
        for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
        if (value !== '') headers[name] = value;
      }
      const explicitlyRemoved = req.headers.some(([n, v]) => n.toLowerCase() === 'content-type' && v === '');
      if (body !== undefined && !explicitlyRemoved && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded'; // what curl adds to --data-binary
      }

      const token = tokenUse(ids, req.headers);
      const fixture = FIXTURE_TITLES.find(([re]) => re.test(c.title));
      const resource: DiffCase['resource'] = path.includes('{server}') ? 'server' : path.includes('{image}') ? 'image' : path.includes('{errorServer}') ? 'errorServer' : fixture ? 'fixture' : 'other';
      const foreignServer = /other project's server/.test(c.title);

      let skip: string | undefined;
      if (token.role === 'admin') skip = 'admin token: a target offers one non-admin token';
      else if (token.role === 'other') skip = "another project's token: a target offers one project";
      else if (token.role === 'none') skip = "no X-Auth-Token: noauth2's fake-token reply (204); a keystone deployment answers 401";
      else if (token.role === 'garbage') skip = 'an arbitrary token string: noauth2 accepts it; a keystone deployment answers 401';
      else if (fixture) skip = `${fixture[2]}: not available on our targets`;
      else if (foreignServer) skip = "another project's server: not available on our targets";
      else if (token.project !== '{project}' && !TOKEN_SUBSTITUTIONS[c.id]) skip = `token of project ${token.project}: a target offers one project`;

      const pre = PRECONDITIONS[c.id];
      let seed: Metadata | undefined;
      if (pre && 'metadata' in pre) seed = pre.metadata;
      else if (pre) seed = leftBehind.get(`${pre.after}/${block.base}`) ?? fail(`${c.id}: no state recorded after ${pre.after}`);
      const reset = !seed && (resource === 'server' || resource === 'image');
      const before: Metadata = seed ?? { ...RESET_METADATA };

      const sent = requestMap(body);
      const candidates = (): string[] => {
        const list: string[] = [];
        if (sent.metadata) list.push(pythonDumps({ metadata: sent.metadata }), pythonDumps({ metadata: { ...before, ...sent.metadata } }));
        if (sent.meta) list.push(pythonDumps({ meta: sent.meta }));
        return list;
      };
      const nova = answer(ids, ex.response, candidates, rebuilt);
      const answered = nova.body.kind === 'json' && nova.body.members[0] === 'metadata' ? nova.body.map : undefined;
      const followUpCandidates = [answered, sent.metadata && { ...before, ...sent.metadata }].filter((m): m is Metadata => m !== undefined).map((m) => pythonDumps({ metadata: m }));
      const followUp = block.followUp ? followUpOf(ids, block.base, block.followUp, followUpCandidates, rebuilt) : undefined;
      const after = (followUp?.path.endsWith('/metadata') ? followUp.map : undefined) ?? answered;
      if (after) leftBehind.set(`${c.id}/${block.base}`, after);

      const note = TOKEN_SUBSTITUTIONS[c.id];
      out.push({
        id: c.id,
        base: block.base,
        section: c.section,
        title: c.title,
        method: req.method,
        path,
        headers,
        token,
        ...(body !== undefined ? { body } : {}),
        resource,
        reset,
        ...(seed ? { seed } : {}),
        nova,
        ...(followUp ? { followUp } : {}),
        ...(rebuilt.length ? { reconstructed: rebuilt } : {}),
        ...(skip ? { skip } : {}),
        ...(note ? { note } : {}),
      });
    }
  }

  checkAgainstSummary(markdown, out);

  const file: CasesFile = {
    source: 'shared/spec/nova-ground-truth.md (Nova 26.2.2, noauth2, transcripts made with curl -si)',
    generatedBy: 'npx tsx differential/extract.ts <nova-ground-truth.md>; do not edit by hand',
    resetMetadata: { ...RESET_METADATA },
    notes: [
      'The transcripts mark only A1 as *reset*, but their answers show the capture reset the server (or image) before every case (e.g. v2 A15 deletes key a again after v2.1 A15 deleted it): reset is true for every case on the writable server or image, except the cases in `seed`, which the transcript ran on the state an earlier case left (B21 after B20, F3-F5 on 128 items, F6 on none).',
      "headers are what curl sent: its default 'Accept: */*' included, 'Name:' arguments (header removed) applied; curl's User-Agent and Content-Length are not recorded.",
      'Follow-up reads were made with an admin token of the same project; the differential reads with the target token.',
      'Truncated transcript lines were rebuilt only when a candidate matched the shown prefix, suffix and length (see `reconstructed`); otherwise the body shape is read from the shown beginning (`truncated`).',
    ],
    cases: out,
  };
  writeFileSync(output, `${JSON.stringify(file, null, 2)}\n`);
  const skipped = out.filter((c) => c.skip).length;
  console.log(`${raw.length} cases, ${out.length} case/base pairs (${skipped} skipped) → ${output}`);
}

main();
