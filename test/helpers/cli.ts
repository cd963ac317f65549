import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'metaconform.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  resultsDir: string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `metaconform-${prefix}-`));
}

/** The run journals of this test file's runs (never the developer's own state folder). */
export const STATE_DIR = tempDir('state');

/** The environment without any metaconform or OpenStack variable of the developer's shell; journals go to STATE_DIR. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(METACONFORM_|OS_)/.test(k)) env[k] = v;
  }
  return { ...env, METACONFORM_STATE_DIR: STATE_DIR, ...extra };
}

/**
 * Runs the CLI in a fresh process (in a temp working directory, so no .env is read) and collects its output;
 * `without` are variables of this process left out (e.g. the colour switches of the developer's shell).
 */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = tempDir('cwd'), without: readonly string[] = []): Promise<CliResult> {
  const resultsDir = env.METACONFORM_RESULTS_DIR ?? join(cwd, 'results');
  const base = cleanEnv({ METACONFORM_RESULTS_DIR: resultsDir });
  for (const name of without) delete base[name];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, resultsDir }));
  });
}

export interface StandaloneReference {
  settings: { METACONFORM_COMPUTE_URL: string; OS_PROJECT_ID: string; METACONFORM_SERVER_ID: string; METACONFORM_IMAGE_ID: string };
  /** Non-secret Keystone settings (OS_AUTH_URL, OS_USERNAME, …). */
  keystone: Record<string, string>;
  token: string;
  stop(): Promise<void>;
}

/** Starts bin/reference.mjs as its own process (an "other implementation" reached over HTTP). */
export function startStandaloneReference(args: string[] = [], token = `standalone-${process.pid}-${Math.random().toString(36).slice(2)}`, secrets: Record<string, string> = {}): Promise<StandaloneReference> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'reference.mjs'), ...args], { env: cleanEnv({ METACONFORM_REFERENCE_TOKEN: token, ...secrets }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const printed = JSON.parse(line) as StandaloneReference['settings'] & { keystone: Record<string, string> };
        const { keystone, ...settings } = printed;
        done({
          settings,
          keystone,
          token,
          stop: () =>
            new Promise((stopped) => {
              if (child.exitCode !== null) return stopped();
              child.once('close', () => stopped());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('close', (code) => fail(new Error(`reference exited ${code}: ${err}`)));
  });
}

/** Every file below a folder, with its content. */
export function filesBelow(dir: string): [string, string][] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => [f, readFileSync(f, 'utf8')]);
}
