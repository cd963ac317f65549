import { Command, CommanderError, Option } from 'commander';
import { loadConfig, targetKind } from '../lib/config/load.ts';
import { ConfigError, EXIT } from '../lib/errors.ts';
import { loadExpectations } from '../lib/results/expectations.ts';
import { closestName, loadEnvironment } from './environment.ts';
import { exitForError } from './exit.ts';
import { configureOutput, highlight, outputFlags, runLog, verbosity } from './output.ts';
import { resolveSelection } from './selection.ts';
import { guardConsole, scrubAndReport, scrubOnExit } from './safety.ts';
import { checkMutant, checkOutputFile, checkPublicKey, checkReadableFile, checkSigningKey, ensureResultsDir } from './usage.ts';
import { suiteVersion } from './paths.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The command line (commander): one `program.command(…)` per command, each with its options and its help
 * (`metaconform COMMAND --help`). An action returns the exit status. Adding an option is one `.option()`
 * line and a use of `opts.name` in the action; adding a command is one more `program.command(…)` block in
 * `defineCommands`. A usage error (unknown option or command, a missing value) is one line on stderr with
 * exit 2 (cli/exit.ts), like every configuration error.
 */

const HELP_AFTER = `
Configuration comes from the environment or a .env file (see .env.example); 'metaconform check' checks it
without changing anything. Colour only on a terminal (NO_COLOR or CI turn it off, FORCE_COLOR forces it).
Exit status: 0 conformant, 1 non-conformant, 2 configuration or usage error, 3 no verdict (target unreachable),
4 explore: a sequence diverged.`;

/** The argument or variable that named the results folder, for a usage error about it. */
function resultsVar(fromArgs: Record<string, string>): string {
  return fromArgs.METACONFORM_RESULTS_DIR !== undefined ? '--results-dir' : 'METACONFORM_RESULTS_DIR';
}

const MAX_RETRIES = 3;

function parseRetries(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_RETRIES) throw new ConfigError('--retries', `must be a whole number from 0 to ${MAX_RETRIES}, got '${raw}'`);
  return Number(raw);
}

/** Behaviours that failed or had no verdict in an earlier results folder (its summary.json). */
function failedIn(dir: string): string[] {
  let summary: { behaviours?: { id: string; status: string }[] };
  try {
    summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as typeof summary;
  } catch {
    throw new ConfigError('--rerun-failed', `no readable summary.json in ${dir}`);
  }
  return (summary.behaviours ?? []).filter((b) => b.status === 'failed' || b.status === 'error').map((b) => b.id);
}

// --- option values -----------------------------------------------------------------------------------

/** A value that must not be empty. */
function nonEmpty(flag: string): (value: string) => string {
  return (value) => {
    if (value === '') throw new ConfigError(flag, 'needs a value');
    return value;
  };
}

/** A list option: repeatable, and comma-separated too. */
function listOf(flag: string): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous = []) => {
    const items = value.split(',').map((x) => x.trim()).filter(Boolean);
    if (!items.length) throw new ConfigError(flag, 'needs a value');
    return [...previous, ...items];
  };
}

/** Loads .env (once) and prints a warning for each unknown METACONFORM_* variable; returns the warnings. */
function environment(): string[] {
  const { warnings } = loadEnvironment();
  for (const w of warnings) process.stderr.write(`metaconform: warning: ${w}\n`);
  return warnings;
}

// --- run ---------------------------------------------------------------------------------------------

interface RunOpts {
  profile?: string;
  resultsDir?: string;
  expectations?: string;
  rerunFailed?: string;
  retries?: string;
  targets?: string;
  targetsAtOnce?: string;
  writeExpectations?: string;
  behaviour?: string[];
  tag?: string[];
  exclude?: string[];
  cloud?: string[];
  region?: string[];
  dryRun?: boolean;
  strictExpectations?: boolean;
}

type RunLists = Record<'--behaviour' | '--tag' | '--exclude' | '--cloud' | '--region', string[]>;

function runEnv(o: { profile?: string; resultsDir?: string }): Record<string, string> {
  return { ...(o.profile !== undefined ? { METACONFORM_PROFILE: o.profile } : {}), ...(o.resultsDir !== undefined ? { METACONFORM_RESULTS_DIR: o.resultsDir } : {}) };
}

/**
 * One invocation, several clouds or regions: each in its own CLI process (its own lanes and results
 * subfolder), at most --targets-at-once of them at a time (default 4), then a combined matrix is written; the
 * exit status is the worst of the targets'. `args` are the arguments after `run`, passed on to each target's
 * run (less the ones naming targets, how many at once and the results folder). Each target's output lines
 * are prefixed with its label.
 */
async function runMany(args: string[], lists: RunLists, o: RunOpts): Promise<number> {
  const { checkTargetList, resultsFolderOf, targetRuns, targetsFromFile, worstExit, writeMatrix } = await import('./multi.ts');
  const { runTargets } = await import('./multi.ts');
  const env = runEnv(o);
  const atOnce = o.targetsAtOnce === undefined ? 4 : Number(o.targetsAtOnce);
  if (!/^\d+$/.test(String(o.targetsAtOnce ?? '4')) || atOnce < 1 || atOnce > 64) throw new ConfigError('--targets-at-once', `must be a whole number from 1 to 64, got '${o.targetsAtOnce}'`);
  const clouds = lists['--cloud'];
  const regions = lists['--region'];
  const base = ensureResultsDir(loadConfig({ ...process.env, ...env, METACONFORM_TARGET: 'reference' }).resultsDir, resultsVar(env));
  scrubOnExit(base);
  const passOn: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!.split('=')[0]!;
    if (flag === '--cloud' || flag === '--region' || flag === '--results-dir' || flag === '--targets' || flag === '--targets-at-once' || flag === '--write-expectations') {
      if (!args[i]!.includes('=')) i++;
      continue;
    }
    passOn.push(args[i]!);
  }
  const listed = o.targets ? targetsFromFile(o.targets) : [];
  const runs = checkTargetList(o.targets ? '--targets' : '--cloud', [...listed, ...(clouds.length || regions.length ? targetRuns(clouds, regions) : [])]).map((t) => ({ ...t, resultsDir: join(base, resultsFolderOf(t)) }));
  // every target's configuration, selection and expectations are checked before the first one runs
  parseRetries(o.retries);
  if (o.expectations) loadExpectations(o.expectations);
  for (const t of runs) {
    try {
      const config = loadConfig({ ...process.env, ...env, ...t.env });
      resolveSelection({ behaviours: lists['--behaviour'], tags: lists['--tag'], exclude: lists['--exclude'] }, config.profile.name);
      if (config.target.kind === 'reference') await checkMutant(config.target.mutant);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`target ${t.label}`, e.message);
      throw e;
    }
  }
  const done = await runTargets(runs, atOnce, (t) => [process.argv[1]!, 'run', ...passOn, ...outputFlags(), '--results-dir', t.resultsDir], verbosity() !== 'quiet');
  const { differences } = writeMatrix(base, done);
  const worst = worstExit(done.map((d) => d.exitCode));
  // the summary of the targets: printed even when quiet
  console.log(highlight(`\n${differences}\nmetaconform: ${done.length} target(s); matrix in ${join(base, 'matrix.md')} (.json, .html); exit ${worst} (the worst of the targets')`));
  return worst;
}

async function run(o: RunOpts, args: string[]): Promise<number> {
  const warnings = environment();
  const env = runEnv(o);
  const lists: RunLists = { '--behaviour': o.behaviour ?? [], '--tag': o.tag ?? [], '--exclude': o.exclude ?? [], '--cloud': o.cloud ?? [], '--region': o.region ?? [] };
  const many = Boolean(lists['--cloud'].length || lists['--region'].length || o.targets);
  const { checkWriteExpectations, writeExpectationsAfterRun } = await import('./write-expectations.ts');
  if (o.writeExpectations) checkWriteExpectations(o.writeExpectations, { many, dryRun: o.dryRun === true });
  if (many) return runMany(args, lists, o);
  const config = loadConfig({ ...process.env, ...env });
  if (config.target.kind === 'reference') await checkMutant(config.target.mutant);
  const retries = parseRetries(o.retries);
  if (o.rerunFailed) {
    const again = failedIn(o.rerunFailed);
    if (!again.length) {
      console.log(`metaconform: nothing to rerun: no behaviour failed or lacked a verdict in ${o.rerunFailed}`);
      return EXIT.CONFORMANT;
    }
    lists['--behaviour'].push(...again);
  }
  const selection = resolveSelection({ behaviours: lists['--behaviour'], tags: lists['--tag'], exclude: lists['--exclude'] }, config.profile.name);
  const expectations = o.expectations ? loadExpectations(o.expectations, config.profile.name) : undefined;
  if (!o.dryRun) {
    ensureResultsDir(config.resultsDir, resultsVar(env));
    scrubOnExit(config.resultsDir);
  }
  const { runConformance } = await import('./run.ts');
  const status = await runConformance(
    config,
    { selection, ...(expectations ? { expectations } : {}), strictExpectations: o.strictExpectations === true, retries, dryRun: o.dryRun === true, warnings },
    runLog(),
  );
  return o.writeExpectations ? writeExpectationsAfterRun(config.resultsDir, o.writeExpectations, status) : status;
}

// --- the other commands ------------------------------------------------------------------------------

async function certify(o: { profile?: string; resultsDir?: string; sign?: string; out?: string } & Record<string, unknown>): Promise<number> {
  const refused = ['behaviour', 'tag', 'exclude', 'expectations', 'retries', 'rerunFailed', 'strictExpectations', 'dryRun'].find((k) => o[k] !== undefined);
  if (refused) throw new ConfigError(`--${refused.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, 'is refused by certify: a certification runs the full required set of the profile, with no selection, expectations or retries');
  const warnings = environment();
  const overrides = runEnv(o);
  const config = loadConfig({ ...process.env, ...overrides });
  if (config.target.kind === 'reference') await checkMutant(config.target.mutant);
  // the key and the archive's folder are checked before the run, not after it
  if (o.sign) checkSigningKey('--sign', o.sign);
  ensureResultsDir(config.resultsDir, resultsVar(overrides));
  const out = o.out ?? join(config.resultsDir, 'certification-bundle.tar.gz');
  checkOutputFile('--out', out);
  scrubOnExit(config.resultsDir);
  const { runConformance } = await import('./run.ts');
  const { writeBundle, relativeTo } = await import('./bundle.ts');
  const status = await runConformance(config, { warnings }, runLog());
  // the bundle is made of the scrubbed results
  scrubAndReport(config.resultsDir);
  writeBundle(config.resultsDir, config.profile.name, out, o.sign);
  console.log(`metaconform: certification bundle written to ${relativeTo(out)}${o.sign ? ' (manifest signed)' : ''}; check it with 'metaconform verify ${relativeTo(out)} ${o.sign ? '--pubkey <the public key>' : '--allow-unsigned'}'`);
  return status;
}

async function verify(bundle: string, o: { pubkey?: string; allowUnsigned?: boolean }): Promise<number> {
  checkReadableFile('verify', bundle);
  if (o.pubkey) checkPublicKey('--pubkey', o.pubkey);
  const { runVerify } = await import('./bundle.ts');
  return runVerify(bundle, { ...(o.pubkey !== undefined ? { pubkey: o.pubkey } : {}), allowUnsigned: o.allowUnsigned === true });
}

async function cleanup(o: { yes?: boolean; clearMarker?: boolean; journal?: string }): Promise<number> {
  environment();
  // cleanup needs credentials, not a server
  const env = targetKind(process.env) === 'endpoint' && !process.env.METACONFORM_SERVER_ID ? { ...process.env, METACONFORM_FLAVOR: 'none', METACONFORM_BOOT_IMAGE: 'none' } : process.env;
  const config = loadConfig(env);
  const { runCleanup } = await import('./cleanup.ts');
  return runCleanup(config, { yes: o.yes === true, clearMarker: o.clearMarker === true, ...(o.journal ? { journal: o.journal } : {}) });
}

async function list(o: { json?: boolean; tag?: string[]; level?: string[]; family?: string[] }): Promise<number> {
  const { runList } = await import('./list.ts');
  return runList([...(o.json ? ['--json'] : []), ...(o.tag ?? []).flatMap((t) => ['--tag', t]), ...(o.level ?? []).flatMap((l) => ['--level', l]), ...(o.family ?? []).flatMap((f) => ['--family', f])]);
}

async function mutants(o: { resultsDir?: string; only?: string }): Promise<number> {
  environment();
  const overrides = runEnv(o);
  const config = loadConfig({ ...process.env, ...overrides, METACONFORM_TARGET: 'reference' });
  ensureResultsDir(config.resultsDir, resultsVar(overrides));
  scrubOnExit(config.resultsDir);
  const { runMutantsCommand } = await import('./matrix.ts');
  return runMutantsCommand(config, o.only?.split(',').map((n) => n.trim()).filter(Boolean));
}

async function report(o: { resultsDir?: string; trend?: boolean; last?: string }): Promise<number> {
  environment();
  const overrides = runEnv(o);
  const { resultsDir } = loadConfig({ ...process.env, ...overrides, METACONFORM_TARGET: 'reference' });
  if (o.trend) {
    const last = o.last === undefined ? 10 : /^\d{1,6}$/.test(o.last) ? Number(o.last) : NaN;
    if (!Number.isInteger(last) || last < 1) throw new ConfigError('--last', `must be a whole number of runs, got '${o.last}'`);
    const { formatTrend, readHistory } = await import('../lib/results/history.ts');
    console.log(formatTrend(readHistory(resultsDir), last));
    return EXIT.CONFORMANT;
  }
  ensureResultsDir(resultsDir, resultsVar(overrides));
  // the report is made of scrubbed results, and scrubbed again when the process ends
  scrubAndReport(resultsDir);
  scrubOnExit(resultsDir);
  const { generateReport } = await import('./report.ts');
  return generateReport(resultsDir);
}

async function check(o: { profile?: string; cloud?: string; region?: string }): Promise<number> {
  const { warnings } = loadEnvironment();
  const env = { ...process.env, ...runEnv(o), ...(o.cloud !== undefined ? { OS_CLOUD: o.cloud } : {}), ...(o.region !== undefined ? { OS_REGION_NAME: o.region } : {}) };
  const { runCheck } = await import('./check.ts');
  return runCheck(env, { warnings, quiet: verbosity() === 'quiet' });
}

// --- the command line --------------------------------------------------------------------------------

/** A help or version request that commander answered (exit 0). */
class Answered extends Error {}

/** Turns what commander refuses into one usage line naming the argument (exit 2). */
function usageError(err: CommanderError, cmd: Command): Error {
  if (err.exitCode === 0) return new Answered();
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const flags = (c: Command) => c.options.filter((o) => !o.hidden && o.long !== '--version').map((o) => o.long ?? o.short ?? '');
  const known = [...flags(cmd), ...(cmd.parent ? flags(cmd.parent) : [])].filter(Boolean);
  const usage = `usage: metaconform ${cmd.parent ? `${cmd.name()} ` : ''}${cmd.usage()}`;
  switch (err.code) {
    case 'commander.unknownOption': {
      const flag = quoted.split('=')[0]!;
      const near = known.find((k) => flag.length > 2 && k.startsWith(flag)) ?? (closestName(flag, known).distance <= 2 ? closestName(flag, known).name : undefined);
      return new ConfigError(flag, `unknown option${near ? `; did you mean ${near}?` : ''} (known: ${known.join(', ') || 'none'})`);
    }
    case 'commander.unknownCommand': {
      const names = [...cmd.commands.map((c) => c.name()).filter((n) => n !== 'version'), 'help'];
      const near = closestName(quoted, names);
      return new ConfigError(quoted, `unknown command${near.distance <= 2 ? `; did you mean ${near.name}?` : ''} (known: ${names.join(', ')}; 'metaconform help' describes them)`);
    }
    case 'commander.optionMissingArgument':
      return new ConfigError(/'(-[^ ',]+)/.exec(err.message)?.[1] ?? quoted, 'needs a value');
    case 'commander.missingArgument':
      return new ConfigError(cmd.name(), usage);
    case 'commander.excessArguments':
      return new ConfigError(cmd.args[cmd.registeredArguments.length] ?? cmd.name(), `unexpected argument (${usage})`);
    case 'commander.help': {
      // help for a command that does not exist
      const word = cmd.args.find((a) => a !== 'help') ?? '';
      return new ConfigError(word, `unknown command (known: ${[...cmd.commands.map((c) => c.name()).filter((n) => n !== 'version'), 'help'].join(', ')})`);
    }
    case 'commander.conflictingOption':
      return new ConfigError('--quiet', 'and --verbose cannot be used together');
    default:
      return new ConfigError(cmd.name(), err.message.replace(/^error: /, '').split('\n')[0]!);
  }
}

/** Every command: its options, its help and its action (which returns the exit status). */
function defineCommands(program: Command, act: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>, argv: readonly string[]): void {
  program
    .command('run')
    .summary('run the conformance suites (the embedded reference when no target is configured)')
    .description('Run the conformance suites against the configured target (the embedded reference when none is) and write the results folder: summary, JUnit, Allure results, certification files.')
    .option('--profile <name>', 'rule set: nova (default), huawei-ecs, fujitsu-k5, rackspace (METACONFORM_PROFILE)', nonEmpty('--profile'))
    .option('--results-dir <dir>', 'where the results go (default ./results; METACONFORM_RESULTS_DIR)', nonEmpty('--results-dir'))
    .option('--behaviour <id|glob>', 'only these behaviours (repeatable, comma-separated)', listOf('--behaviour'))
    .option('--tag <tag>', 'only behaviours with these tags (repeatable, comma-separated)', listOf('--tag'))
    .option('--exclude <id|glob|tag>', 'leave these out (repeatable, comma-separated)', listOf('--exclude'))
    .option('--dry-run', 'print what would run; send no request')
    .option('--expectations <file>', 'known failures (expect: fail | skip), reported as KNOWN', nonEmpty('--expectations'))
    .option('--strict-expectations', 'an expectation whose behaviour passes (STALE) fails the gate')
    .option('--write-expectations <file>', "start an expectations file from this run's failures (reason: TODO)", nonEmpty('--write-expectations'))
    .option('--rerun-failed <dir>', 'only what failed or had no verdict in that results folder', nonEmpty('--rerun-failed'))
    .option('--retries <n>', 'run failures again, 0-3 times; a pass on retry is reported FLAKY', nonEmpty('--retries'))
    .option('--cloud <names>', 'several clouds of clouds.yaml, and a combined matrix (comma-separated)', listOf('--cloud'))
    .option('--region <names>', 'several regions, and a combined matrix (comma-separated)', listOf('--region'))
    .option('--targets <file>', 'a YAML list of {cloud, region} targets, and a combined matrix', nonEmpty('--targets'))
    .option('--targets-at-once <n>', 'how many of several targets run at the same time (default 4)', nonEmpty('--targets-at-once'))
    .addHelpText('after', `
Examples:
  metaconform run                                      the full catalogue against the configured target
  metaconform run --tag image --dry-run                what would run, without a request
  metaconform run --expectations known.yaml --retries 1
  metaconform run --cloud east,west                    one gate over two clouds (results/matrix.html)`)
    .action(act(async (o: RunOpts) => run(o, argv.slice(argv.indexOf('run') + 1))));

  program
    .command('check')
    .summary('check the configuration and the target, read-only (like tempest verify-config)')
    .description('Check the configuration, authentication, the catalog (which compute endpoint and why), the API bases, the microversion range, the server, the image, the fixture servers and the reader credential: one line each, OK or what to fix. Only GET requests reach the target: nothing is written, locked or marked. Exit 0 when all is OK, 2 when the configuration is wrong, 3 when the target cannot be reached.')
    .option('--profile <name>', 'rule set to check for (METACONFORM_PROFILE)', nonEmpty('--profile'))
    .option('--cloud <name>', 'the cloud of clouds.yaml to check (OS_CLOUD)', nonEmpty('--cloud'))
    .option('--region <name>', 'the region to check (OS_REGION_NAME)', nonEmpty('--region'))
    .action(act(check));

  program
    .command('list')
    .summary('print the behaviour catalogue (ID, level, rule)')
    .description('Print the behaviour catalogue: ID, level and rule of every behaviour.')
    .option('--json', 'everything, for machines: sources, tags, profiles, bases, tests')
    .option('--tag <tag>', 'only behaviours with these tags (repeatable, comma-separated)', listOf('--tag'))
    .option('--level <level>', 'only these levels: required, advisory, informational (repeatable, comma-separated)', listOf('--level'))
    .option('--family <family>', 'only these families, the ID without its number, e.g. SM-KEY (repeatable, comma-separated)', listOf('--family'))
    .action(act(list));

  const refused = '(refused by certify: a certification runs the full required set)';
  program
    .command('certify')
    .summary('the full required run of a profile into one verifiable archive')
    .description('Run the whole catalogue of the profile and write certification-bundle.tar.gz: certification, summary, JUnit and Allure results, the catalogue and a SHA-256 manifest, signed with --sign.')
    .option('--profile <name>', 'rule set (METACONFORM_PROFILE)', nonEmpty('--profile'))
    .option('--results-dir <dir>', 'where the results go (METACONFORM_RESULTS_DIR)', nonEmpty('--results-dir'))
    .option('--sign <key.pem>', 'sign the manifest with this Ed25519 private key (PKCS#8 PEM)', nonEmpty('--sign'))
    .option('--out <file>', 'the archive to write (default <results>/certification-bundle.tar.gz)', nonEmpty('--out'))
    .addOption(new Option('--behaviour [x]', refused).hideHelp())
    .addOption(new Option('--tag [x]', refused).hideHelp())
    .addOption(new Option('--exclude [x]', refused).hideHelp())
    .addOption(new Option('--expectations [x]', refused).hideHelp())
    .addOption(new Option('--retries [x]', refused).hideHelp())
    .addOption(new Option('--rerun-failed [x]', refused).hideHelp())
    .addOption(new Option('--strict-expectations', refused).hideHelp())
    .addOption(new Option('--dry-run', refused).hideHelp())
    .action(act(certify));

  program
    .command('verify')
    .summary('check a certification bundle offline')
    .description('Check a certification bundle offline: manifest, signature, the released catalogue, the agreement of its results and the verdict. Each problem is one line (exit 1).')
    .usage('<bundle.tar.gz> [--pubkey key.pem] [--allow-unsigned]')
    .argument('<bundle>', 'the certification-bundle.tar.gz to check')
    .option('--pubkey <key.pem>', "the vendor's Ed25519 public key: the signature must verify with it", nonEmpty('--pubkey'))
    .option('--allow-unsigned', 'accept an unsigned bundle (or no key at hand); the OK line then says UNSIGNED')
    .action(act(verify));

  program
    .command('cleanup')
    .summary('what earlier runs left: unfinished journals and servers named metaconform-*')
    .description("List what earlier runs left on this cloud: journals of unfinished runs (original metadata, locks, markers) and servers named metaconform-*; --yes undoes and deletes them.")
    .option('--yes', 'undo the journals and delete the servers (without it: a dry run)')
    .option('--journal <file>', 'a journal from elsewhere (e.g. another machine\'s results folder)', nonEmpty('--journal'))
    .option('--clear-marker', 'remove a run marker whose run is gone from METACONFORM_SERVER_ID')
    .action(act(cleanup));

  program
    .command('report')
    .summary('the offline HTML report from results/allure-results, or the trend of earlier runs')
    .description('Turn results/allure-results into an offline HTML report (results/allure-report/); --trend prints each behaviour\'s last outcomes from results/history.jsonl.')
    .option('--results-dir <dir>', 'the results folder (METACONFORM_RESULTS_DIR)', nonEmpty('--results-dir'))
    .option('--trend', "print each behaviour's last N outcomes and when it last changed")
    .option('--last <n>', 'how many runs --trend shows (default 10)', nonEmpty('--last'))
    .action(act(report));

  program
    .command('mutants')
    .summary('the suites against every fault-injected and correct variant of the reference: the kill matrix')
    .description('Run the suites once against every fault-injected (mutant) and correct variant of the embedded reference; print the kill matrix and write results/kill-matrix.json.')
    .option('--results-dir <dir>', 'the results folder (METACONFORM_RESULTS_DIR)', nonEmpty('--results-dir'))
    .option('--only <names>', 'only these variants (comma-separated)', nonEmpty('--only'))
    .action(act(mutants));

  program
    .command('explore')
    .summary('random sequences of operations, compared step by step with the reference model (or a second target)')
    .description('Send random sequences of operations (drawn from --seed) to the target and to the reference model, one step at a time, comparing each answer and the stored set; a divergence is shrunk to the fewest steps and written with a curl replay. Judges SM-SEQ-001 (advisory). Exit 4 when a sequence diverged or differed.')
    .option('--seed <n>', 'redo an exploration exactly (printed by every run)', nonEmpty('--seed'))
    .option('--requests <n>', 'requests to the target, the budget (default 300)', nonEmpty('--requests'))
    .option('--shrink-requests <n>', 'requests spent shrinking a divergence (default 2000)', nonEmpty('--shrink-requests'))
    .option('--replay <file>', 'send only the (shrunk) sequence of an earlier exploration (sequence.json)', nonEmpty('--replay'))
    .option('--against <url|cloud>', 'compare with a second target (configured by METACONFORM_AGAINST_* variables) instead of the model; differences are reported, not judged', nonEmpty('--against'))
    .option('--profile <name>', 'rule set (METACONFORM_PROFILE)', nonEmpty('--profile'))
    .option('--results-dir <dir>', 'where the results go (default <results>/explore)', nonEmpty('--results-dir'))
    .addHelpText('after', `
Examples:
  metaconform explore                                  300 requests against the configured target (or the embedded reference)
  metaconform explore --seed 1234 --requests 1000      redo and extend an exploration
  metaconform explore --replay results/explore/sequence.json`)
    .action(act(async (o: Record<string, string | undefined>) => {
      const flags: Record<string, string> = { seed: '--seed', requests: '--requests', shrinkRequests: '--shrink-requests', replay: '--replay', against: '--against', profile: '--profile', resultsDir: '--results-dir' };
      const args = Object.entries(flags).flatMap(([key, flag]) => (o[key] !== undefined ? [flag, o[key]!] : []));
      const { runExploreCommand } = await import('./explore.ts');
      return runExploreCommand(args);
    }));

  program
    .command('merge')
    .summary('combine results folders of separate runs (e.g. a CI matrix job per region) into one matrix')
    .description('Combine the results folders of separate runs (a CI matrix job per region, say) into one behaviour × target matrix (matrix.md, .json, .html), one history (history.jsonl) and one exit status: the worst of theirs. A folder without a summary counts as no verdict.')
    .usage('DIR... [--results-dir OUT]')
    .argument('<dirs...>', 'results folders of separate runs')
    .option('--results-dir <dir>', 'where the combined matrix and history go (default ./results; METACONFORM_RESULTS_DIR)', nonEmpty('--results-dir'))
    .action(act(async (dirs: string[], o: { resultsDir?: string }) => {
      const { mergeResults } = await import('./multi.ts');
      const out = ensureResultsDir(loadConfig({ ...process.env, ...runEnv(o), METACONFORM_TARGET: 'reference' }).resultsDir, resultsVar(runEnv(o)));
      return mergeResults(dirs, out);
    }));

  program
    .command('version', { hidden: true })
    .description('print the suite version (also -V, --version)')
    .action(act(async () => {
      console.log(suiteVersion());
      return EXIT.CONFORMANT;
    }));
}

export async function main(argv: string[]): Promise<number> {
  guardConsole();
  // a reader that went away (metaconform help | head) ends nothing: the command goes on (a run still restores its target)
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
  let status: number = EXIT.CONFORMANT;
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      status = await fn(...args);
    };
  const program = new Command('metaconform');
  program
    .description('Conformance suite for the OpenStack Compute server-metadata and image-metadata APIs.')
    .version(suiteVersion(), '-V, --version', 'print the suite version')
    .addOption(new Option('-q, --quiet', 'only the summary lines, warnings and errors').conflicts('verbose'))
    .addOption(new Option('-v, --verbose', 'also every test as it finishes, with its note'))
    .option('--no-color', 'never colour the output (colour is on only on a terminal)')
    .helpOption('-h, --help', 'show help for the command')
    .helpCommand('help [command]', 'show help for a command')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(false)
    // errors become one usage line (usageError); help is written to stdout only when asked for
    .configureOutput({ outputError: () => undefined, writeErr: () => undefined })
    .addHelpText('after', HELP_AFTER)
    .hook('preAction', (_root, command) => {
      const o = command.optsWithGlobals() as { quiet?: boolean; verbose?: boolean; color?: boolean };
      configureOutput({ verbosity: o.quiet ? 'quiet' : o.verbose ? 'verbose' : 'normal', colour: o.color !== false });
    });
  defineCommands(program, act, argv);
  // every command reports what commander refuses as one usage line
  for (const cmd of [program, ...program.commands]) cmd.exitOverride((err) => {
    throw usageError(err, cmd);
  });
  try {
    if (!argv.length) {
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof Answered) return EXIT.CONFORMANT;
    return exitForError('metaconform', e);
  }
}
