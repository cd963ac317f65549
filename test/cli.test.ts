import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CATALOGUE } from '../catalogue/index.ts';
import { closestVariable, unknownVariableWarnings } from '../cli/environment.ts';
import { writeMatrix } from '../cli/multi.ts';
import { colourWanted, keptWhenQuiet } from '../cli/output.ts';
import { notApplicableFamilies } from '../lib/results/coverage.ts';
import { SUITE_FILES_ENV, TESTS_AT_ONCE_ENV } from '../lib/harness/suites.ts';
import { TARGET_ENV } from '../lib/harness/target.ts';
import { SECRETS_ENV } from '../lib/http/redact.ts';
import type { Summary } from '../lib/results/summary.ts';
import { cleanEnv, filesBelow, ROOT, runCli, startStandaloneReference, tempDir, type CliResult, type StandaloneReference } from './helpers/cli.ts';

/**
 * The command line: help for every command, the version, --quiet and --verbose, colour only on a terminal,
 * `check` (read-only, one line per item, its exit statuses), the warnings about unknown variables and about
 * whole families of required behaviours not applicable, and the multi-target matrix.
 */

const BIN = join(ROOT, 'bin', 'metaconform.mjs');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ESC = '\u001b[';
/** The colour switches of the developer's shell or CI, left out so that each test sets its own. */
const COLOUR_VARS = ['FORCE_COLOR', 'NO_COLOR', 'CI', 'TERM'];

/** Like runCli, without the colour switches this process inherited. */
function cli(args: string[], env: Record<string, string> = {}, cwd = tempDir('cli')): Promise<CliResult> {
  return runCli(args, env, cwd, COLOUR_VARS);
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
const hasScript = spawnSync('script', ['--version']).status === 0;
function onTerminal(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const cwd = tempDir('tty');
  const base = cleanEnv({ METACONFORM_RESULTS_DIR: join(cwd, 'results'), TERM: 'xterm' });
  for (const v of ['FORCE_COLOR', 'NO_COLOR', 'CI']) delete base[v];
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((done) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => done({ code, output }));
  });
}

function summaryOf(dir: string): Summary & { warnings: string[] } {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
}

/** The status word and subject of every item line of a check's output. */
function checkLines(stdout: string): { status: string; subject: string; text: string }[] {
  return stdout
    .split('\n')
    .map((l) => /^ {2}(OK|FAIL|WARN|--) {2,}(.{22}) (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ status: m[1]!, subject: m[2]!.trim(), text: m[3]! }));
}

const COMMANDS: [string, RegExp][] = [
  ['run', /--behaviour <id\|glob>[\s\S]*--dry-run[\s\S]*--cloud <names>/],
  ['check', /--profile <name>[\s\S]*--cloud <name>/],
  ['list', /--json/],
  ['certify', /--sign <key\.pem>[\s\S]*--out <file>/],
  ['verify', /<bundle\.tar\.gz>[\s\S]*--pubkey <key\.pem>[\s\S]*--allow-unsigned/],
  ['cleanup', /--yes[\s\S]*--journal <file>[\s\S]*--clear-marker/],
  ['report', /--trend[\s\S]*--last <n>/],
  ['mutants', /--only <names>/],
  ['merge', /DIR\.\.\.[\s\S]*--results-dir <dir>/],
  ['help', /Commands:[\s\S]*run[\s\S]*check/],
];

describe.concurrent('help and version', () => {
  test.each(COMMANDS)('metaconform %s --help: its options, exit 0, nothing on stderr', async (command, options) => {
    const run = await cli([command, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(command === 'help' ? /^Usage: metaconform \[options\] \[command\]/ : new RegExp(`^Usage: metaconform ${command} `));
    expect(run.stdout).toMatch(options);
    // the options every command has
    expect(run.stdout).toMatch(/-q, --quiet[\s\S]*-v, --verbose[\s\S]*--no-color/);
  });

  test('help COMMAND is COMMAND --help', async () => {
    const [a, b] = await Promise.all([cli(['help', 'check']), cli(['check', '--help'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  test('help lists every command, and the README documents each one', async () => {
    const run = await cli(['help']);
    expect(run.code).toBe(0);
    const names = [...run.stdout.split('Commands:')[1]!.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]!);
    expect(names).toEqual(['run', 'check', 'list', 'certify', 'verify', 'cleanup', 'report', 'mutants', 'explore', 'merge', 'help']);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('| `metaconform '));
    for (const name of names) expect(rows.some((r) => r.includes(`\`metaconform ${name}`)), name).toBe(true);
    for (const flag of ['-q`, `--quiet', '-v`, `--verbose', '--no-color', 'NO_COLOR', 'FORCE_COLOR']) expect(readme).toContain(flag);
  });

  test.each([['-V'], ['--version'], ['version']])('%s prints the suite version', async (flag) => {
    const run = await cli([flag]);
    expect([run.code, run.stdout.trim(), run.stderr]).toEqual([0, VERSION, '']);
  });

  test('no command: the help, exit 2', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^Usage: metaconform/);
  });

  test.each([
    [['run', '--dry'], /^metaconform: configuration error: --dry: unknown option; did you mean --dry-run\? \(known: /],
    [['chek'], /^metaconform: configuration error: chek: unknown command; did you mean check\? \(known: run, check, /],
    [['help', 'nope'], /^metaconform: configuration error: nope: unknown command \(known: run, check, /],
    [['-q', '-v', 'list'], /^metaconform: configuration error: --quiet: and --verbose cannot be used together$/],
    [['check', '--profile'], /^metaconform: configuration error: --profile: needs a value$/],
    [['list', 'extra'], /^metaconform: configuration error: extra: unexpected argument \(usage: metaconform list/],
    [['verify'], /^metaconform: configuration error: verify: usage: metaconform verify <bundle\.tar\.gz>/],
    [['run', '--tag='], /^metaconform: configuration error: --tag: needs a value$/],
  ])('%j: one line on stderr, exit 2', async (args, message) => {
    const run = await cli(args);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
  });
});

describe('quiet, verbose and colour', () => {
  test('the default: header, one progress line per suite file, the summary; no line per test', async () => {
    const run = await cli(['run', '--tag', 'parity']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^metaconform: profile nova, target embedded reference/m);
    expect(run.stdout).toMatch(new RegExp(`^\\[ ?\\d+/${CATALOGUE.length} behaviours, +\\d+ tests\\] {2}suites/server-metadata/parity\\.spec\\.ts`, 'm'));
    expect(run.stdout).not.toMatch(/^ {2}passed {5}\[SM-V2-001\]/m);
    expect(run.stdout).toContain('verdict: CONFORMANT');
    expect(run.stdout).not.toContain(ESC);
  });

  test('--quiet: the summary lines and warnings only', async () => {
    const run = await cli(['run', '--tag', 'parity', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/^metaconform: profile /m);
    expect(run.stdout).not.toMatch(/behaviours, +\d+ tests\]/);
    expect(run.stdout).toMatch(/^metaconform summary — profile nova/m);
    expect(run.stdout).toMatch(new RegExp(`^ {2}WARNING {2}PARTIAL RUN: 2 of ${CATALOGUE.length} behaviours`, 'm'));
    expect(run.stdout).toMatch(/^verdict: CONFORMANT/m);
  });

  test('--verbose (before the command): every test as it finishes', async () => {
    const run = await cli(['--verbose', 'run', '--tag', 'parity']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}passed {5}\[SM-V2-001\] .*\(v2\+v2\.1\)$/m);
    expect(run.stdout).toMatch(/^ {2}passed {5}\[SM-V2-002\] /m);
    expect(run.stdout).toMatch(/behaviours, +\d+ tests\]/);
  });

  test('quiet keeps warnings and errors, drops progress, header and notes', () => {
    expect(keptWhenQuiet('[ 3/91 behaviours,    6 tests]  suites/access/auth.spec.ts  4 passed')).toBe(false);
    expect(keptWhenQuiet('metaconform: profile nova, target x, full catalogue, results in /r')).toBe(false);
    expect(keptWhenQuiet('metaconform: a request without a token was refused (401)')).toBe(false);
    expect(keptWhenQuiet('metaconform: !!! WARNING: authentication not enforced by the target')).toBe(true);
    expect(keptWhenQuiet('metaconform: CLEANUP FAILED: the target was not left as found')).toBe(true);
    expect(keptWhenQuiet('metaconform: SIGINT received: stopping the tests')).toBe(true);
    expect(keptWhenQuiet('\nmetaconform summary — profile nova\nverdict: CONFORMANT')).toBe(true);
  });

  test('when colour is wanted: a terminal, unless NO_COLOR, CI, TERM=dumb or --no-color; FORCE_COLOR forces it', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(colourWanted(tty, {})).toBe(true);
    expect(colourWanted(pipe, {})).toBe(false);
    expect(colourWanted(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted(tty, { CI: 'true' })).toBe(false);
    expect(colourWanted(tty, { TERM: 'dumb' })).toBe(false);
    expect(colourWanted(tty, {}, false)).toBe(false);
    expect(colourWanted(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted(pipe, { FORCE_COLOR: '1', CI: 'true' })).toBe(true);
    expect(colourWanted(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(pipe, { FORCE_COLOR: '1' }, false)).toBe(false);
  });

  test('no colour when piped, or with NO_COLOR or CI; FORCE_COLOR colours the output but never a file', async () => {
    const [piped, noColor, ci, forced] = await Promise.all([cli(['check']), cli(['check'], { NO_COLOR: '1' }), cli(['check'], { CI: 'true' }), cli(['run', '--tag', 'parity'], { FORCE_COLOR: '1' })]);
    for (const run of [piped, noColor, ci]) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).not.toContain(ESC);
      expect(run.stdout).toMatch(/^ {2}OK {4}server /m);
    }
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`${ESC}32m${ESC}1mverdict: CONFORMANT`);
    for (const [file, content] of filesBelow(forced.resultsDir)) expect(content.includes(ESC), file).toBe(false);
    const forcedCheck = await cli(['check'], { FORCE_COLOR: '1' });
    expect(forcedCheck.stdout).toContain(`${ESC}32mOK  ${ESC}0m`);
    const off = await cli(['--no-color', 'check'], { FORCE_COLOR: '1' });
    expect(off.stdout).not.toContain(ESC);
  });

  test.skipIf(!hasScript)('on a terminal: colour, unless NO_COLOR or CI is set', async () => {
    const [tty, noColor, ci] = await Promise.all([onTerminal(['check']), onTerminal(['check'], { NO_COLOR: '1' }), onTerminal(['check'], { CI: '1' })]);
    expect(tty.code, tty.output).toBe(0);
    expect(tty.output).toContain(`${ESC}32mOK  ${ESC}0m`);
    expect(noColor.output).toMatch(/^ {2}OK {4}server /m);
    expect(noColor.output).not.toContain(ESC);
    expect(ci.output).not.toContain(ESC);
  });
});

/** A proxy that records the method and path of every request it forwards. */
async function startRecorder(upstream: string): Promise<{ url: string; seen: string[]; stop(): Promise<void> }> {
  const origin = new URL(upstream);
  const seen: string[] = [];
  const read = (m: IncomingMessage) =>
    new Promise<Buffer>((done) => {
      const chunks: Buffer[] = [];
      m.on('data', (c: Buffer) => chunks.push(c));
      m.on('end', () => done(Buffer.concat(chunks)));
    });
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    void read(req).then((sent) => {
      const forward = request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: { ...req.headers, host: origin.host } }, (up) => {
        void read(up).then((answer) => {
          const headers = Object.fromEntries(Object.entries(up.headers).filter(([k, v]) => v !== undefined && !['content-length', 'transfer-encoding', 'connection'].includes(k))) as Record<string, string | string[]>;
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(answer);
        });
      });
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(sent);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('metaconform check', () => {
  const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-check`;
  let ref: StandaloneReference;
  let other: StandaloneReference;
  beforeAll(async () => {
    [ref, other] = await Promise.all([startStandaloneReference([], undefined, { METACONFORM_REFERENCE_PASSWORD: PASSWORD }), startStandaloneReference()]);
  });
  afterAll(() => Promise.all([ref?.stop(), other?.stop()]));

  const tokenEnv = (extra: Record<string, string> = {}) => ({ ...ref.settings, OS_TOKEN: ref.token, ...extra });
  const keystoneEnv = (extra: Record<string, string> = {}) => ({ ...ref.keystone, OS_PASSWORD: PASSWORD, METACONFORM_SERVER_ID: ref.settings.METACONFORM_SERVER_ID, ...extra });
  const metadata = async () => {
    const { METACONFORM_COMPUTE_URL: url, OS_PROJECT_ID: p, METACONFORM_SERVER_ID: s } = ref.settings;
    return (await fetch(`${url}/${p}/servers/${s}/metadata`, { headers: { 'X-Auth-Token': ref.token } })).json();
  };

  test('the embedded reference (nothing configured): every item OK, exit 0', async () => {
    const run = await cli(['check']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = checkLines(run.stdout);
    expect(lines.map((l) => l.subject)).toEqual(['configuration', 'results folder', 'authentication', 'compute endpoint', 'API bases', 'token', 'microversions', 'server', 'auth enforced', 'image', 'error-state server', 'never-launched server', "other project's server", 'reader credential']);
    expect(lines.filter((l) => l.status !== 'OK')).toEqual([]);
    expect(run.stdout).toMatch(/configuration +target the embedded reference \(no target variable is set\); profile nova/);
    expect(run.stdout).toMatch(/microversions +2\.1 – 2\.\d+ /);
    expect(run.stdout).toMatch(/^metaconform check: all OK \(exit 0\)$/m);
    // nothing written: not even the results folder
    expect(existsSync(run.resultsDir)).toBe(false);
  });

  test('the standalone reference with a token: OK lines; what is not configured says what will not be applicable', async () => {
    const run = await cli(['check'], tokenEnv({ METACONFORM_IMAGE_ID: ref.settings.METACONFORM_IMAGE_ID }));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const bySubject = Object.fromEntries(checkLines(run.stdout).map((l) => [l.subject, l]));
    for (const subject of ['configuration', 'authentication', 'compute endpoint', 'API bases', 'token', 'microversions', 'server', 'auth enforced', 'image']) expect(bySubject[subject]?.status, subject).toBe('OK');
    expect(bySubject['compute endpoint']!.text).toMatch(/from METACONFORM_COMPUTE_URL \(a pre-issued token: no Keystone, no catalog\)/);
    expect(bySubject.server!.text).toContain(`${ref.settings.METACONFORM_SERVER_ID}: exists, vm_state active, metadata readable`);
    expect(bySubject.image!.text).toContain('properties readable through the image-metadata proxy');
    expect(bySubject['error-state server']).toMatchObject({ status: '--', text: expect.stringContaining('METACONFORM_ERROR_SERVER_ID') });
    expect(bySubject['reader credential']!.status).toBe('--');
    expect(run.stdout).not.toContain(ref.token);
  });

  test('Keystone: which compute endpoint the catalog gave, and why', async () => {
    const run = await cli(['check'], keystoneEnv());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/authentication +Keystone v3 at http:\/\/127\.0\.0\.1:\d+\/identity\/v3: password of user demo; token issued for project \w+/);
    expect(run.stdout).toMatch(/compute endpoint +http:\/\/127\.0\.0\.1:\d+ \(project \w+\): the service catalog's compute endpoint for interface public \(the default; OS_INTERFACE changes it\), region RegionOne \(OS_REGION_NAME\); the catalog offers public@RegionOne/);
    expect(run.stdout).toMatch(/image +METACONFORM_IMAGE_ID is not set: the 11 required image-metadata behaviours will not be applicable/);
    expect(run.stdout).not.toContain(PASSWORD);
  });

  test('a wrong server id: one FAIL line naming METACONFORM_SERVER_ID, exit 2', async () => {
    const run = await cli(['check'], tokenEnv({ METACONFORM_SERVER_ID: '00000000-0000-0000-0000-000000000000' }));
    expect(run.code).toBe(2);
    const failed = checkLines(run.stdout).filter((l) => l.status === 'FAIL');
    expect(failed).toEqual([expect.objectContaining({ subject: 'server', text: expect.stringMatching(/^METACONFORM_SERVER_ID: server '0{8}-0{4}-0{4}-0{4}-0{12}' was not found \(404\)/) })]);
    expect(run.stdout).toMatch(/^metaconform check: 1 problem to fix: the configuration is wrong \(exit 2\)$/m);
  });

  test('a wrong token: one FAIL line naming OS_TOKEN, the rest not checked, exit 2', async () => {
    const run = await cli(['check'], tokenEnv({ OS_TOKEN: 'wrong-token-12345' }));
    expect(run.code).toBe(2);
    const lines = checkLines(run.stdout);
    expect(lines.filter((l) => l.status === 'FAIL')).toEqual([expect.objectContaining({ subject: 'token', text: expect.stringMatching(/^OS_TOKEN: the token was rejected by the compute endpoint \(401\)/) })]);
    expect(lines.at(-1)).toMatchObject({ status: '--', subject: 'the rest' });
    expect(run.stdout + run.stderr).not.toContain('wrong-token-12345');
  });

  test('a wrong password: one FAIL line naming OS_PASSWORD, exit 2', async () => {
    const run = await cli(['check'], keystoneEnv({ OS_PASSWORD: 'not-the-password' }));
    expect(run.code).toBe(2);
    expect(checkLines(run.stdout).filter((l) => l.status === 'FAIL')).toEqual([expect.objectContaining({ subject: 'authentication', text: expect.stringMatching(/^OS_PASSWORD: Keystone rejected the credentials \(401\)/) })]);
  });

  test('an endpoint that cannot be reached: one FAIL line, exit 3', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await cli(['check'], { METACONFORM_COMPUTE_URL: `http://127.0.0.1:${port}/v2.1`, OS_TOKEN: 'a-token-1234', OS_PROJECT_ID: 'p1', METACONFORM_SERVER_ID: 's1' });
    expect(run.code).toBe(3);
    const failed = checkLines(run.stdout).filter((l) => l.status === 'FAIL');
    expect(failed).toEqual([expect.objectContaining({ subject: 'API bases', text: expect.stringMatching(/cannot be reached.*ECONNREFUSED/) })]);
    expect(run.stdout).toMatch(/^metaconform check: 1 problem to fix: the target could not be reached \(exit 3\)$/m);
  });

  test('a configuration error is a FAIL line, and nothing else is checked', async () => {
    const run = await cli(['check'], { METACONFORM_PROFILE: 'nope' });
    expect(run.code).toBe(2);
    expect(checkLines(run.stdout)).toEqual([
      { status: 'FAIL', subject: 'configuration', text: expect.stringMatching(/^METACONFORM_PROFILE: unknown profile 'nope'/) },
      { status: '--', subject: 'the rest', text: 'not checked: fix the configuration first' },
    ]);
  });

  test('fixture servers that are not what they should be: a FAIL line each', async () => {
    const server = ref.settings.METACONFORM_SERVER_ID;
    const run = await cli(['check'], tokenEnv({ METACONFORM_ERROR_SERVER_ID: server, METACONFORM_OTHER_PROJECT_SERVER_ID: server }));
    expect(run.code).toBe(2);
    const failed = checkLines(run.stdout).filter((l) => l.status === 'FAIL');
    expect(failed.map((l) => l.subject)).toEqual(['error-state server', "other project's server"]);
    expect(failed[0]!.text).toMatch(/METACONFORM_ERROR_SERVER_ID: server '\S+' is in vm_state active, which allows metadata writes/);
    expect(failed[1]!.text).toMatch(/METACONFORM_OTHER_PROJECT_SERVER_ID: server '\S+' is visible to this project \(200\)/);
  });

  test('--quiet: only the problems and the last line', async () => {
    const run = await cli(['check', '-q'], tokenEnv({ METACONFORM_SERVER_ID: 'nope' }));
    expect(run.code).toBe(2);
    expect(run.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^ {2}FAIL {2}server /), 'metaconform check: 1 problem to fix: the configuration is wrong (exit 2)']);
  });

  test('sends GET requests only (Keystone: the token request), and changes nothing', async () => {
    const recorder = await startRecorder(ref.settings.METACONFORM_COMPUTE_URL);
    try {
      const before = await metadata();
      const through = (url: string) => url.replace(new URL(url).origin, recorder.url);
      const viaToken = await cli(['check'], tokenEnv({ METACONFORM_COMPUTE_URL: through(ref.settings.METACONFORM_COMPUTE_URL), METACONFORM_IMAGE_ID: ref.settings.METACONFORM_IMAGE_ID }));
      expect(viaToken.code, viaToken.stdout).toBe(0);
      const viaKeystone = await cli(['check'], keystoneEnv({ OS_AUTH_URL: through(ref.keystone.OS_AUTH_URL!), METACONFORM_COMPUTE_URL: through(ref.settings.METACONFORM_COMPUTE_URL), METACONFORM_IMAGE_ID: ref.settings.METACONFORM_IMAGE_ID }));
      expect(viaKeystone.code, viaKeystone.stdout).toBe(0);
      expect(recorder.seen.length).toBeGreaterThan(15);
      expect(recorder.seen.filter((r) => !r.startsWith('GET ') && r !== 'POST /identity/v3/auth/tokens')).toEqual([]);
      expect(recorder.seen).toContain('POST /identity/v3/auth/tokens');
      expect(await metadata()).toEqual(before);
    } finally {
      await recorder.stop();
    }
  });

  test('another implementation is checked the same way (a second standalone reference)', async () => {
    const run = await cli(['check', '--verbose'], { ...other.settings, OS_TOKEN: other.token });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^metaconform check: all OK \(exit 0\)$/m);
  });
});

describe('warnings', () => {
  test('an unknown METACONFORM_* variable: a warning naming the closest known one (environment and .env)', async () => {
    const cwd = tempDir('dotenv');
    writeFileSync(join(cwd, '.env'), 'METACONFORM_PROFLE=nova\n');
    const run = await cli(['run', '--dry-run', '--tag', 'parity'], { METACONFORM_SERVERID: 'x' }, cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('metaconform: warning: METACONFORM_PROFLE (in .env) is not a metaconform variable and is ignored; did you mean METACONFORM_PROFILE?');
    expect(run.stderr).toContain('metaconform: warning: METACONFORM_SERVERID (in the environment) is not a metaconform variable and is ignored; did you mean METACONFORM_SERVER_ID?');
    // check counts it as a problem
    const check = await cli(['check'], { METACONFORM_SERVERID: 'x' });
    expect(check.code).toBe(2);
    expect(checkLines(check.stdout)[0]).toMatchObject({ status: 'FAIL', subject: 'environment', text: expect.stringContaining('did you mean METACONFORM_SERVER_ID?') });
  });

  test('the closest variable, and names that are not typos', () => {
    expect(closestVariable('METACONFORM_SERVERID')).toBe('METACONFORM_SERVER_ID');
    expect(closestVariable('METACONFORM_IMAGEID')).toBe('METACONFORM_IMAGE_ID');
    expect(closestVariable('METACONFORM_COMPUTE_ULR')).toBe('METACONFORM_COMPUTE_URL');
    expect(closestVariable('METACONFORM_RESULT_DIR')).toBe('METACONFORM_RESULTS_DIR');
    expect(closestVariable('metaconform_profile')).toBe('METACONFORM_PROFILE');
    expect(unknownVariableWarnings({ METACONFORM_SERVER_ID: 'x', METACONFORM_NOVA_STATE: '/var/tmp', METACONFORM_PROD_RESULTS: 'r', OS_WHATEVER: 'y', METACONFORM_RESOLVED_TARGET: '[]' })).toEqual([]);
    expect(unknownVariableWarnings({ [TARGET_ENV]: '[]', [SUITE_FILES_ENV]: '[]', [TESTS_AT_ONCE_ENV]: '1', [SECRETS_ENV]: 'x' })).toEqual([]);
    expect(unknownVariableWarnings({ METACONFORM_TOKEN: 't' })).toEqual([expect.stringContaining('METACONFORM_TOKEN (in the environment) is not a metaconform variable')]);
  });

  test('whole families of required behaviours not applicable: one warning per family', () => {
    const b = (id: string, status: Summary['behaviours'][number]['status'], reason?: string) => ({ id, rule: '', level: CATALOGUE.find((x) => x.id === id)!.level, status, ...(reason ? { reason } : {}), tests: [] });
    const image = CATALOGUE.filter((x) => x.id.startsWith('IM-')).map((x) => b(x.id, x.level === 'required' ? 'not-applicable' : 'untested', 'METACONFORM_IMAGE_ID is not set'));
    const state = [b('SM-STATE-001', 'not-applicable', 'no error-state server'), b('SM-STATE-002', 'not-applicable', 'no never-launched server')];
    const auth = [b('SM-AUTH-001', 'passed'), b('SM-AUTH-003', 'not-applicable', 'no other project')];
    const warnings = notApplicableFamilies({ profile: 'nova', behaviours: [...image, ...state, ...auth, b('SM-LIST-001', 'passed')] });
    expect(warnings).toEqual([
      'NOT TESTED: all 11 required behaviours of image metadata (IM-*) were not applicable, so the verdict says nothing about them (METACONFORM_IMAGE_ID is not set)',
      'NOT TESTED: all 2 required behaviours of SM-STATE-* were not applicable, so the verdict says nothing about them (no error-state server; no never-launched server)',
    ]);
    // skipped by an expectation: someone chose that
    expect(notApplicableFamilies({ profile: 'nova', behaviours: state }, new Set(['SM-STATE-001', 'SM-STATE-002']))).toEqual([]);
    expect(notApplicableFamilies({ profile: 'nova', behaviours: [b('SM-LIST-001', 'passed'), b('SM-LIST-002', 'passed')] })).toEqual([]);
  });

  describe('in a run', () => {
    let ref: StandaloneReference;
    beforeAll(async () => {
      ref = await startStandaloneReference();
    });
    afterAll(() => ref?.stop());

    test('no image: NOT TESTED in the console, summary.json and the certification notes; an unknown variable too; the gate stays green', async () => {
      const run = await cli(['run', '--tag', 'image'], { ...ref.settings, METACONFORM_IMAGE_ID: '', OS_TOKEN: ref.token, METACONFORM_IMAGEID: ref.settings.METACONFORM_IMAGE_ID });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const notTested = 'NOT TESTED: all 11 required behaviours of image metadata (IM-*) were not applicable, so the verdict says nothing about them (METACONFORM_IMAGE_ID is not set)';
      expect(run.stdout).toContain(`  WARNING  ${notTested}`);
      expect(run.stderr).toContain('did you mean METACONFORM_IMAGE_ID?');
      const { warnings } = summaryOf(run.resultsDir);
      expect(warnings).toContain(notTested);
      expect(warnings).toContainEqual(expect.stringContaining('METACONFORM_IMAGEID (in the environment) is not a metaconform variable'));
      const certification = JSON.parse(readFileSync(join(run.resultsDir, 'certification.json'), 'utf8')) as { target: { notes: string[] } };
      expect(certification.target.notes).toContain(notTested);
    });
  });
});

describe('the multi-target matrix', () => {
  function results(dir: string, target: string, statuses: Record<string, Summary['behaviours'][number]['status']>, exitCode: number): string {
    mkdirSync(dir, { recursive: true });
    const behaviours = Object.entries(statuses).map(([id, status]) => ({ id, rule: '', level: 'required', status, tests: [] }));
    const counts = { passed: 0, failed: 0, 'not-applicable': 0, error: 0, known: 0, flaky: 0, 'advisory-failed': 0, 'advisory-error': 0, observed: 0, untested: 0 };
    for (const b of behaviours) counts[b.status]++;
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ target, profile: 'nova', behaviours, counts, problems: [], warnings: [], exitCode, verdict: exitCode ? 'NON-CONFORMANT: 1 required behaviour(s) failed' : 'CONFORMANT' }));
    writeFileSync(join(dir, 'summary.txt'), 'summary');
    return dir;
  }

  test('matrix.html: title, date, each target with its details and links, a differences-only switch, nothing fetched', () => {
    const base = tempDir('matrix');
    const east = results(join(base, 'east__r1'), 'keystone.east.example', { 'SM-LIST-001': 'passed', 'SM-KEY-004': 'passed', 'SM-HDR-001': 'passed' }, 0);
    const west = results(join(base, 'west'), 'nova.west.example', { 'SM-LIST-001': 'passed', 'SM-KEY-004': 'failed', 'SM-HDR-001': 'passed' }, 1);
    const { differences } = writeMatrix(
      base,
      [
        { label: 'east/r1', exitCode: 0, resultsDir: east, env: { OS_CLOUD: 'east', OS_REGION_NAME: 'r1' } },
        { label: 'west<script>', exitCode: 1, resultsDir: west, env: { OS_CLOUD: 'west' } },
      ],
      new Date('2026-12-01T10:20:30.456Z'),
    );
    const html = readFileSync(join(base, 'matrix.html'), 'utf8');
    expect(html).toMatch(/<title>metaconform matrix: 2 targets, 2026-12-01T10:20:30Z<\/title>/);
    expect(html).toContain('Generated 2026-12-01T10:20:30Z; 2 targets; 1 of 3 behaviours differ between them.');
    expect(html).toMatch(/<tr><th>east\/r1<\/th><td>east<\/td><td>r1<\/td><td>nova<\/td><td>keystone\.east\.example<\/td><td class="p">0<\/td><td>CONFORMANT<\/td>/);
    expect(html).toContain('<a href="east__r1/summary.txt">summary.txt</a> <a href="east__r1/summary.json">summary.json</a>');
    expect(html).toContain('<th>west&lt;script&gt;</th><td>west</td><td></td>');
    expect(html).not.toContain('<script');
    expect(html).toContain('<input type="checkbox" id="diff"> <label for="diff">differences only (1 of 3)</label>');
    expect(html).toContain('#diff:checked~table.matrix tr.same{display:none}');
    expect(html).toMatch(/<tr class="diff"><td>SM-KEY-004<\/td><td class="p">passed<\/td><td class="f">FAILED<\/td><\/tr>/);
    expect(html.match(/<tr class="same">/g)).toHaveLength(2);
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
    expect(differences.split('\n')).toEqual([
      'behaviours that differ between the targets: 1 of 3 (every behaviour: matrix.md, matrix.html)',
      '| behaviour | east/r1 | west<script> |',
      '|---|---|---|',
      '| **exit status** | **0** | **1** |',
      '| SM-KEY-004 | passed | **FAILED** |',
      'totals:',
      '  east/r1: 3 passed, 0 failed, 0 not applicable, 0 no verdict (error) — 3 behaviours (exit 0)',
      '  west<script>: 2 passed, 1 failed, 0 not applicable, 0 no verdict (error) — 3 behaviours (exit 1)',
    ]);
    const md = readFileSync(join(base, 'matrix.md'), 'utf8');
    expect(md).toContain('| SM-LIST-001 | passed | passed |');
    expect(md).toContain('- **east/r1**: cloud east, region r1, profile nova, endpoint keystone.east.example; exit 0; CONFORMANT (east__r1/)');
  });

  test('a run over two regions prints only what differs, and the totals', async () => {
    const run = await cli(['run', '--region', 'r1,r2', '--tag', 'parity']);
    expect(run.code, run.stdout.slice(-2000) + run.stderr).toBe(0);
    // the lines after the targets' own (prefixed with the target) are the combined report
    const after = run.stdout.slice(run.stdout.search(/^(no behaviour differs|behaviours that differ) between the targets/m));
    expect(after).toMatch(/no behaviour differs between the targets \(2 behaviours; every one: matrix\.md, matrix\.html\)/);
    expect(after).toMatch(/^ {2}r1: 2 passed, 0 failed/m);
    expect(after).not.toMatch(/^\| SM-V2-001 /m);
    const html = readFileSync(join(run.resultsDir, 'matrix.html'), 'utf8');
    expect(html).toMatch(/<tr><th>r1<\/th><td><\/td><td>r1<\/td><td>nova<\/td>/);
    expect(html).toContain('<a href="r2/summary.txt">summary.txt</a>');
  });
});
