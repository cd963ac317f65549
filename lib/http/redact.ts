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

export const REDACTED = '***';

/** Secret values known to this process (the token, later passwords): masked in any text that leaves it. */
const secrets = new Set<string>();

/** Registers a secret value; values shorter than 4 characters are not masked in free text (they would mask everything). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
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
