import { redactHeaders, redactText } from './redact.ts';

export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string | string[] | undefined>; text: string };
  durationMs: number;
}

export function header(ex: Exchange, name: string): string | undefined {
  const v = ex.response.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The response body as JSON, or undefined when it is empty or not JSON. */
export function json(ex: Exchange): unknown {
  if (!ex.response.text) return undefined;
  try {
    return JSON.parse(ex.response.text);
  } catch {
    return undefined;
  }
}

const MAX_SHOWN = 2000;
function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)` : text;
}

/** Shell-quotes one argument for a POSIX shell. */
function sq(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A curl command that reproduces the request; the token is read from $OS_TOKEN, never written out. */
export function toCurl(ex: Exchange): string {
  const parts = ['curl', '-sS', '-i', '-X', ex.request.method, sq(redactText(ex.request.url))];
  for (const [name, value] of Object.entries(ex.request.headers)) {
    if (name.toLowerCase() === 'x-auth-token') parts.push('-H', `"${name}: $OS_TOKEN"`);
    else parts.push('-H', sq(`${name}: ${redactText(value)}`));
  }
  if (ex.request.body !== undefined) parts.push('--data-binary', sq(redactText(ex.request.body)));
  return parts.join(' ');
}

/** A redacted, human-readable transcript of one exchange. */
export function formatExchange(ex: Exchange): string {
  const lines = [`> ${ex.request.method} ${redactText(ex.request.url)}`];
  for (const [name, value] of Object.entries(redactHeaders(ex.request.headers))) lines.push(`> ${name}: ${value}`);
  if (ex.request.body !== undefined) lines.push('>', `> ${clip(redactText(ex.request.body))}`);
  lines.push(`< ${ex.response.status} (${ex.durationMs} ms)`);
  for (const [name, value] of Object.entries(redactHeaders(ex.response.headers))) {
    if (value !== undefined) lines.push(`< ${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
  }
  if (ex.response.text) lines.push('<', `< ${clip(redactText(ex.response.text))}`);
  lines.push('', `# reproduce (export OS_TOKEN first):`, toCurl(ex));
  return lines.join('\n');
}

/** One line naming the request and its status, for assertion messages. */
export function describeExchange(ex: Exchange): string {
  const body = ex.response.text ? ` ${clip(redactText(ex.response.text)).slice(0, 300)}` : '';
  return `${ex.request.method} ${redactText(ex.request.url)} → ${ex.response.status}${body}`;
}
