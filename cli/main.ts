import { config as loadDotenv } from 'dotenv';
import { loadConfig, targetKind } from '../lib/config/load.ts';
import { ConfigError, EXIT } from '../lib/errors.ts';
import { loadExpectations } from '../lib/results/expectations.ts';
import { exitForError } from './exit.ts';
import { resolveSelection } from './selection.ts';
import { guardConsole, scrubAndReport, scrubOnExit } from './safety.ts';
import { checkMutant, checkOutputFile, checkPublicKey, checkReadableFile, checkSigningKey, ensureResultsDir } from './usage.ts';
import { suiteVersion } from './paths.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const USAGE = `usage: metaconform <command>

commands:
  run       run the conformance suites (against the embedded reference when no target is configured)
            --behaviour ID|GLOB, --tag TAG, --exclude ID|GLOB|TAG (repeatable, comma-separated), --dry-run,
            --expectations FILE (known failures: fail|skip), --strict-expectations (a stale one fails the gate),
            --rerun-failed DIR (only what failed or had no verdict there), --retries N (0-3; pass on retry = FLAKY),
            --cloud A,B and/or --region R1,R2, or --targets FILE (several targets, one after another, a combined matrix),
            --profile NAME, --results-dir DIR
  list      print the behaviour catalogue (ID, level, rule); --json for machines
  certify   the full required run of a profile into one verifiable archive (--sign key.pem: Ed25519, --out FILE)
  verify    check a certification bundle offline (--pubkey key.pem, or --allow-unsigned): manifest, signature, catalogue, results
  cleanup   what earlier runs left: journals of unfinished runs (original metadata, locks, markers) and servers
            named metaconform-*; --yes undoes and deletes them, --journal FILE a journal from elsewhere,
            --clear-marker removes a run marker whose run is gone from METACONFORM_SERVER_ID
  report    turn results/allure-results into an HTML report (offline); --trend [--last N] prints each
            behaviour's last N outcomes from results/history.jsonl and when it last changed
  mutants   run the suites against every fault-injected and correct variant of the reference; print the kill matrix
  explore   random sequences of operations against the target, compared step by step with the reference model
            (or --against URL|CLOUD, a second target); --seed S, --requests N (default 300), --replay FILE
  help      show this help

Configuration comes from the environment or a .env file (see .env.example).
Exit status: 0 conformant, 1 non-conformant, 2 configuration or usage error, 3 no verdict (target unreachable).`;

/** Parses `--name value` options; anything unknown is a usage error. */
function parseOptions(args: string[], known: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const variable = known[flag];
    if (!variable) throw new ConfigError(arg, `unknown option (known: ${Object.keys(known).join(', ') || 'none'})`);
    const v = inline ?? args[++i];
    if (v === undefined) throw new ConfigError(flag, 'needs a value');
    env[variable] = v;
  }
  return env;
}

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

/**
 * One invocation, several clouds or regions: each is run in turn (its own CLI process and results subfolder),
 * then a combined matrix is written; the exit status is the worst of the targets'.
 */
async function runMany(args: string[], lists: RunLists, env: Record<string, string>): Promise<number> {
  const { checkTargetList, resultsFolderOf, targetRuns, targetsFromFile, worstExit, writeMatrix } = await import('./multi.ts');
  const { spawnSync } = await import('node:child_process');
  const clouds = lists['--cloud'];
  const regions = lists['--region'];
  const base = ensureResultsDir(loadConfig({ ...process.env, ...env, METACONFORM_TARGET: 'reference' }).resultsDir, resultsVar(env));
  scrubOnExit(base);
  const passOn: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!.split('=')[0]!;
    if (flag === '--cloud' || flag === '--region' || flag === '--results-dir' || flag === '--targets') {
      if (!args[i]!.includes('=')) i++;
      continue;
    }
    passOn.push(args[i]!);
  }
  const listed = env.targets ? targetsFromFile(env.targets) : [];
  const runs = checkTargetList(env.targets ? '--targets' : '--cloud', [...listed, ...(clouds.length || regions.length ? targetRuns(clouds, regions) : [])]).map((t) => ({ ...t, resultsDir: join(base, resultsFolderOf(t)) }));
  // every target's configuration, selection and expectations are checked before the first one runs
  parseRetries(env.retries);
  if (env.expectations) loadExpectations(env.expectations);
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
  const done: { label: string; exitCode: number; resultsDir: string }[] = [];
  for (const t of runs) {
    console.log(`metaconform: === target ${t.label} ===`);
    const child = spawnSync(process.execPath, [process.argv[1]!, 'run', ...passOn, '--results-dir', t.resultsDir], { env: { ...process.env, ...t.env }, stdio: 'inherit' });
    done.push({ label: t.label, exitCode: child.status ?? EXIT.NO_VERDICT, resultsDir: t.resultsDir });
  }
  console.log(`\n${writeMatrix(base, done)}`);
  const worst = worstExit(done.map((d) => d.exitCode));
  console.log(`metaconform: ${done.length} target(s); matrix in ${join(base, 'matrix.md')} (.json, .html); exit ${worst} (the worst of the targets')`);
  return worst;
}

type RunLists = Record<'--behaviour' | '--tag' | '--exclude' | '--cloud' | '--region', string[]>;

/** `run`'s arguments: value options, repeatable list options (comma-separated too) and flags. */
function parseRunArgs(args: string[]): { env: Record<string, string>; lists: RunLists; flags: Set<string> } {
  const values: Record<string, string> = {
    '--profile': 'METACONFORM_PROFILE',
    '--results-dir': 'METACONFORM_RESULTS_DIR',
    '--expectations': 'expectations',
    '--rerun-failed': 'rerun',
    '--retries': 'retries',
    '--targets': 'targets',
  };
  const lists = { '--behaviour': [] as string[], '--tag': [] as string[], '--exclude': [] as string[], '--cloud': [] as string[], '--region': [] as string[] };
  const known = ['--dry-run', '--strict-expectations'];
  const env: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (known.includes(arg)) {
      flags.add(arg);
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(flag in values) && !(flag in lists)) throw new ConfigError(arg, `unknown option (known: ${[...Object.keys(values), ...Object.keys(lists), ...known].join(', ')})`);
    const v = inline ?? args[++i];
    if (v === undefined || v === '') throw new ConfigError(flag, 'needs a value');
    if (flag in lists) lists[flag as keyof typeof lists].push(...v.split(',').map((x) => x.trim()).filter(Boolean));
    else env[values[flag]!] = v;
  }
  return { env, lists, flags };
}

export async function main(argv: string[]): Promise<number> {
  guardConsole();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': {
        loadDotenv({ quiet: true });
        const { env, lists, flags } = parseRunArgs(rest);
        if (lists['--cloud'].length || lists['--region'].length || env.targets) return await runMany(rest, lists, env);
        const config = loadConfig({ ...process.env, ...env });
        if (config.target.kind === 'reference') await checkMutant(config.target.mutant);
        const retries = parseRetries(env.retries);
        if (env.rerun) {
          const again = failedIn(env.rerun);
          if (!again.length) {
            console.log(`metaconform: nothing to rerun: no behaviour failed or lacked a verdict in ${env.rerun}`);
            return EXIT.CONFORMANT;
          }
          lists['--behaviour'].push(...again);
        }
        const selection = resolveSelection({ behaviours: lists['--behaviour'], tags: lists['--tag'], exclude: lists['--exclude'] }, config.profile.name);
        const expectations = env.expectations ? loadExpectations(env.expectations) : undefined;
        if (!flags.has('--dry-run')) {
          ensureResultsDir(config.resultsDir, resultsVar(env));
          scrubOnExit(config.resultsDir);
        }
        const { runConformance } = await import('./run.ts');
        return await runConformance(config, {
          selection,
          ...(expectations ? { expectations } : {}),
          strictExpectations: flags.has('--strict-expectations'),
          retries,
          dryRun: flags.has('--dry-run'),
        });
      }
      case 'certify': {
        loadDotenv({ quiet: true });
        const refused = rest.find((a) => /^--(behaviour|tag|exclude|expectations|retries|rerun-failed|strict-expectations|dry-run)(=|$)/.test(a));
        if (refused) throw new ConfigError(refused.split('=')[0]!, 'is refused by certify: a certification runs the full required set of the profile, with no selection, expectations or retries');
        const overrides = parseOptions(rest, { '--profile': 'METACONFORM_PROFILE', '--results-dir': 'METACONFORM_RESULTS_DIR', '--sign': 'sign', '--out': 'out' });
        const config = loadConfig({ ...process.env, ...overrides });
        if (config.target.kind === 'reference') await checkMutant(config.target.mutant);
        // the key and the archive's folder are checked before the run, not after it
        if (overrides.sign) checkSigningKey('--sign', overrides.sign);
        ensureResultsDir(config.resultsDir, resultsVar(overrides));
        const out = overrides.out ?? join(config.resultsDir, 'certification-bundle.tar.gz');
        checkOutputFile('--out', out);
        scrubOnExit(config.resultsDir);
        const { runConformance } = await import('./run.ts');
        const { writeBundle, relativeTo } = await import('./bundle.ts');
        const status = await runConformance(config);
        // the bundle is made of the scrubbed results
        scrubAndReport(config.resultsDir);
        writeBundle(config.resultsDir, config.profile.name, out, overrides.sign);
        console.log(`metaconform: certification bundle written to ${relativeTo(out)}${overrides.sign ? ' (manifest signed)' : ''}; check it with 'metaconform verify ${relativeTo(out)} ${overrides.sign ? '--pubkey <the public key>' : '--allow-unsigned'}'`);
        return status;
      }
      case 'verify': {
        const allowUnsigned = rest.includes('--allow-unsigned');
        const [bundle, ...more] = rest.filter((a) => a !== '--allow-unsigned');
        if (!bundle || bundle.startsWith('--')) throw new ConfigError('verify', 'usage: metaconform verify <bundle.tar.gz> [--pubkey key.pem] [--allow-unsigned]');
        const { pubkey } = parseOptions(more, { '--pubkey': 'pubkey' });
        checkReadableFile('verify', bundle);
        if (pubkey) checkPublicKey('--pubkey', pubkey);
        const { runVerify } = await import('./bundle.ts');
        return await runVerify(bundle, { ...(pubkey !== undefined ? { pubkey } : {}), allowUnsigned });
      }
      case 'cleanup': {
        loadDotenv({ quiet: true });
        const flags = ['--yes', '--clear-marker'];
        const { journal } = parseOptions(rest.filter((a) => !flags.includes(a)), { '--journal': 'journal' });
        // cleanup needs credentials, not a server
        const env = targetKind(process.env) === 'endpoint' && !process.env.METACONFORM_SERVER_ID ? { ...process.env, METACONFORM_FLAVOR: 'none', METACONFORM_BOOT_IMAGE: 'none' } : process.env;
        const config = loadConfig(env);
        const { runCleanup } = await import('./cleanup.ts');
        return await runCleanup(config, { yes: rest.includes('--yes'), clearMarker: rest.includes('--clear-marker'), ...(journal ? { journal } : {}) });
      }
      case 'list': {
        const json = rest[0] === '--json';
        if (rest.length > (json ? 1 : 0)) throw new ConfigError(rest[json ? 1 : 0]!, 'unknown option (known: --json)');
        const { formatCatalogue } = await import('./list.ts');
        console.log(formatCatalogue(json));
        return EXIT.CONFORMANT;
      }
      case 'mutants': {
        loadDotenv({ quiet: true });
        const overrides = parseOptions(rest, { '--results-dir': 'METACONFORM_RESULTS_DIR', '--only': 'only' });
        const config = loadConfig({ ...process.env, ...overrides, METACONFORM_TARGET: 'reference' });
        ensureResultsDir(config.resultsDir, resultsVar(overrides));
        scrubOnExit(config.resultsDir);
        const { runMutantsCommand } = await import('./matrix.ts');
        return await runMutantsCommand(config, overrides.only?.split(',').map((n) => n.trim()).filter(Boolean));
      }
      case 'explore': {
        loadDotenv({ quiet: true });
        const { runExploreCommand } = await import('./explore.ts');
        return await runExploreCommand(rest);
      }
      case 'report': {
        loadDotenv({ quiet: true });
        const trend = rest.includes('--trend');
        const overrides = parseOptions(rest.filter((a) => a !== '--trend'), { '--results-dir': 'METACONFORM_RESULTS_DIR', '--last': 'last' });
        const { resultsDir } = loadConfig({ ...process.env, ...overrides, METACONFORM_TARGET: 'reference' });
        if (trend) {
          const last = overrides.last === undefined ? 10 : /^\d{1,6}$/.test(overrides.last) ? Number(overrides.last) : NaN;
          if (!Number.isInteger(last) || last < 1) throw new ConfigError('--last', `must be a whole number of runs, got '${overrides.last}'`);
          const { formatTrend, readHistory } = await import('../lib/results/history.ts');
          console.log(formatTrend(readHistory(resultsDir), last));
          return EXIT.CONFORMANT;
        }
        ensureResultsDir(resultsDir, resultsVar(overrides));
        // the report is made of scrubbed results, and scrubbed again when the process ends
        scrubAndReport(resultsDir);
        scrubOnExit(resultsDir);
        const { generateReport } = await import('./report.ts');
        return await generateReport(resultsDir);
      }
      case '--version':
      case 'version':
        console.log(suiteVersion());
        return EXIT.CONFORMANT;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? EXIT.USAGE : EXIT.CONFORMANT;
      default:
        throw new ConfigError(command, `unknown command\n${USAGE}`);
    }
  } catch (e) {
    return exitForError('metaconform', e);
  }
}
