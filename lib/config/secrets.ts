import { ConfigError } from '../errors.ts';
import { registerSecret, SECRETS_ENV } from '../http/redact.ts';

type Env = Record<string, string | undefined>;

/** Variables whose values are secrets: OS_PASSWORD, OS_TOKEN, OS_APPLICATION_CREDENTIAL_SECRET, any other *PASSWORD/*SECRET/*TOKEN. */
const SECRET_VARIABLE = /^(?:OS|METACONFORM)_\w*(?:PASSWORD|SECRET|TOKEN)$/;
/** Keys of a clouds.yaml / secure.yaml `auth` section whose values are secrets. */
const SECRET_KEY = /pass|secret|token/i;

/** Registers every configured secret of an environment (the process's, or merged with clouds.yaml) for masking. */
export function registerConfiguredSecrets(env: Env): void {
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && name !== SECRETS_ENV && SECRET_VARIABLE.test(name)) {
      registerSecret(value);
      registerSecret(value.trim());
    }
  }
}

/** Registers the secrets of one clouds.yaml or secure.yaml cloud entry (any `auth` key naming a password, secret or token). */
export function registerEntrySecrets(entry: Record<string, unknown> | undefined): void {
  const auth = entry?.auth;
  if (!auth || typeof auth !== 'object') return;
  for (const [key, value] of Object.entries(auth as Record<string, unknown>)) {
    if (SECRET_KEY.test(key) && (typeof value === 'string' || typeof value === 'number')) registerSecret(String(value));
  }
}

/** `scheme://…@`: a URL whose authority carries userinfo (checked on the text, so that it need not parse). */
const USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

/**
 * URLs that carry credentials (`http://user:password@host`) are refused: the credentials would travel in
 * every request line and error message. The message never repeats the URL; its password is registered
 * for masking all the same.
 */
export function refuseUserinfo(variable: string, url: string | undefined): void {
  const text = url?.trim();
  if (!text || !USERINFO.test(text)) return;
  const userinfo = USERINFO.exec(text)![0].replace(/^[^:]+:\/\//, '').slice(0, -1);
  const password = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : userinfo;
  registerSecret(password);
  try {
    registerSecret(decodeURIComponent(password));
  } catch {
    // not percent-encoded
  }
  throw new ConfigError(variable, 'must not contain credentials (user:password@host); give them as OS_USERNAME/OS_PASSWORD, an application credential or OS_TOKEN');
}
