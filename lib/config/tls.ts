import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../errors.ts';
import type { TlsSettings } from '../http/connections.ts';

type Env = Record<string, string | undefined>;

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

function pemFile(variable: string, path: string, what: 'ca' | 'cert' | 'key'): string {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (e) {
    throw new ConfigError(variable, `cannot read ${path} (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
  try {
    if (what === 'key') createPrivateKey(text);
    else new X509Certificate(text);
    createSecureContext({ [what]: text });
  } catch (e) {
    throw new ConfigError(variable, `${path} is not a PEM ${what === 'ca' ? 'CA bundle' : what === 'cert' ? 'certificate' : 'private key'} (${(e as Error).message.split('\n')[0]})`);
  }
  return path;
}

/**
 * TLS settings as the OpenStack clients take them: OS_CACERT (a CA bundle to trust), OS_CERT and OS_KEY (a
 * client certificate and its key), OS_INSECURE (do not verify the server's certificate); clouds.yaml's
 * cacert, cert, key and verify fill them in (lib/config/clouds.ts). Files are checked up front.
 */
export function tlsFrom(env: Env): TlsSettings | undefined {
  const get = (name: string) => env[name]?.trim() || undefined;
  const ca = get('OS_CACERT');
  const cert = get('OS_CERT');
  const key = get('OS_KEY');
  const insecureRaw = get('OS_INSECURE');
  if (insecureRaw !== undefined && !TRUE.test(insecureRaw) && !FALSE.test(insecureRaw)) throw new ConfigError('OS_INSECURE', `must be true or false, got '${insecureRaw}'`);
  const insecure = insecureRaw !== undefined && TRUE.test(insecureRaw);
  if (cert && !key) throw new ConfigError('OS_KEY', 'is required with OS_CERT (the client certificate\'s private key)');
  if (key && !cert) throw new ConfigError('OS_CERT', 'is required with OS_KEY (the client certificate)');
  if (!ca && !cert && !insecure) return undefined;
  return {
    ...(ca ? { ca: pemFile('OS_CACERT', ca, 'ca') } : {}),
    ...(cert ? { cert: pemFile('OS_CERT', cert, 'cert') } : {}),
    ...(key ? { key: pemFile('OS_KEY', key, 'key') } : {}),
    ...(insecure ? { insecure } : {}),
  };
}
