import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import { compileMasker, maskUserinfo, MIN_SECRET_LENGTH, REDACTED, type Masker } from './mask.ts';

export { REDACTED } from './mask.ts';

/** Headers whose values are secrets wherever they appear (requests, responses, transcripts, curl). */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'x-auth-token',
  'x-subject-token',
  'x-service-token',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Secret values known to this thread (configured credentials, every token the run holds): masked in every
 * form (see mask.ts) in any text that leaves it. The test workers are threads of the runner's process:
 * the runner hands its secrets to them through SECRETS_ENV (exportSecrets / importSecrets), and a secret a
 * worker learns (a renewed token) is broadcast back, so that the runner masks it too.
 */
const secrets = new Set<string>();
let masker: Masker | undefined;

/** Environment variable through which the runner hands its secrets to the test workers (set only while they run). */
export const SECRETS_ENV = 'METACONFORM_RUN_SECRETS';
const CHANNEL = 'metaconform:secrets';
let channel: BroadcastChannel | undefined;

function add(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return false;
  secrets.add(value);
  masker = undefined;
  return true;
}

/** Registers a secret value; values shorter than 4 characters are not masked in free text (they would mask everything). */
export function registerSecret(value: string | undefined): void {
  if (!value || !add(value)) return;
  if (!isMainThread) {
    channel ??= new BroadcastChannel(CHANNEL);
    channel.unref();
    channel.postMessage(value);
  }
}

// the runner's thread listens for secrets its workers learn (unref'd: it never keeps the process alive)
if (isMainThread) {
  const listener = new BroadcastChannel(CHANNEL);
  listener.onmessage = (event: unknown) => {
    const value = (event as { data?: unknown }).data;
    if (typeof value === 'string') add(value);
  };
  listener.unref();
}

/** The registered secrets (for handing them to the workers, and for tests). */
export function registeredSecrets(): readonly string[] {
  return [...secrets];
}

/** The registered secrets as the value of SECRETS_ENV. */
export function exportSecrets(): string {
  return JSON.stringify([...secrets]);
}

/** Registers the secrets the runner handed over in SECRETS_ENV (in a test worker). */
export function importSecrets(env: Record<string, string | undefined> = process.env): void {
  const raw = env[SECRETS_ENV];
  if (!raw) return;
  try {
    for (const value of JSON.parse(raw) as unknown[]) if (typeof value === 'string') add(value);
  } catch {
    // not ours to judge; the targets' own secrets are registered from the targets
  }
}

/** Masks every registered secret in every form (raw, escaped, encoded, base64, truncated) and URL userinfo. */
export function redactText(text: string): string {
  if (secrets.size) {
    masker ??= compileMasker(secrets);
    text = masker(text);
  }
  return maskUserinfo(text);
}

export function redactHeaders<T extends string | string[] | undefined>(headers: Record<string, T>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_HEADERS.has(name.toLowerCase())) out[name] = REDACTED;
    else if (typeof value === 'string') out[name] = redactText(value);
    else if (Array.isArray(value)) out[name] = value.map(redactText) as T;
    else out[name] = value;
  }
  return out;
}
