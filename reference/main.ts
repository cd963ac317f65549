import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProfile } from '../profiles/index.ts';
import { Keystone } from './keystone.ts';
import { implementationFor } from './mutants/index.ts';
import { startReference } from './server.ts';
import { CORRECT_VARIANTS, variantImplementation } from './variants.ts';

/**
 * Runs the reference implementation on its own, on 127.0.0.1, so the suite (or curl) can be pointed at it
 * like at any endpoint. Prints one JSON line with the settings to use (also for its Keystone v3 at
 * /identity/v3), then a second one with those of its Keystone v2.0 (/identity/v2.0); secrets are never
 * printed: the token comes from METACONFORM_REFERENCE_TOKEN or is written to a file readable only by this
 * user, the Keystone password, application-credential secret and API key come from
 * METACONFORM_REFERENCE_PASSWORD, METACONFORM_REFERENCE_APP_SECRET and METACONFORM_REFERENCE_API_KEY
 * (random otherwise). --regions A,B makes the catalogs offer compute in those regions (default RegionOne).
 * --mutant NAME serves a fault-injected implementation (reference/mutants/), --variant NAME a correct variant
 * (reference/variants.ts, e.g. no-lock-action: a target without the lock action), under that variant's profile.
 *
 *   node bin/reference.mjs [--port N] [--profile NAME] [--mutant NAME | --variant NAME] [--token-ttl-ms N] [--regions A,B]
 */
async function main(argv: string[]): Promise<void> {
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    if (!['--port', '--profile', '--mutant', '--variant', '--token-ttl-ms', '--regions'].includes(name) || argv[i + 1] === undefined) {
      console.error(`usage: reference [--port N] [--profile NAME] [--mutant NAME | --variant NAME] [--token-ttl-ms N] [--regions A,B] (bad argument '${name}')`);
      process.exit(2);
    }
    opts[name.slice(2)] = argv[i + 1]!;
  }
  const variant = opts.variant === undefined ? undefined : Object.hasOwn(CORRECT_VARIANTS, opts.variant) ? CORRECT_VARIANTS[opts.variant] : undefined;
  if (opts.variant !== undefined && !variant) throw new Error(`unknown variant '${opts.variant}' (known: ${Object.keys(CORRECT_VARIANTS).join(', ')})`);
  if (variant && opts.mutant !== undefined) throw new Error('--variant and --mutant exclude each other');
  if (variant && opts.profile !== undefined && opts.profile !== variant.profile) throw new Error(`variant '${opts.variant}' is served under the ${variant.profile} profile, not ${opts.profile}`);
  const served = variant ? variantImplementation(variant) : undefined;
  const profile = served?.profile ?? getProfile(opts.profile);
  const token = process.env.METACONFORM_REFERENCE_TOKEN || randomBytes(16).toString('hex');
  const user = Keystone.defaultUser();
  if (process.env.METACONFORM_REFERENCE_PASSWORD) user.password = process.env.METACONFORM_REFERENCE_PASSWORD;
  if (process.env.METACONFORM_REFERENCE_APP_SECRET) user.applicationCredential.secret = process.env.METACONFORM_REFERENCE_APP_SECRET;
  if (process.env.METACONFORM_REFERENCE_API_KEY) user.apiKey = process.env.METACONFORM_REFERENCE_API_KEY;
  const regions = opts.regions?.split(',').filter(Boolean);
  const reference = await startReference({
    profile,
    implementation: served?.implementation ?? implementationFor(profile, opts.mutant),
    token,
    // a reader-only token of the same project (policy: reads only), for the suite's METACONFORM_READER_TOKEN
    ...(process.env.METACONFORM_REFERENCE_READER_TOKEN ? { readerToken: process.env.METACONFORM_REFERENCE_READER_TOKEN } : {}),
    port: opts.port ? Number(opts.port) : 0,
    keystoneUser: user,
    ...(opts['token-ttl-ms'] ? { tokenTtlMs: Number(opts['token-ttl-ms']) } : {}),
    ...(regions?.length ? { regions } : {}),
  });
  const server = reference.store.createServer(reference.projectId, { metadata: { purpose: 'standalone reference' } });
  const image = reference.store.createImage({ properties: { os_distro: 'reference' } });
  let tokenFile: string | undefined;
  if (!process.env.METACONFORM_REFERENCE_TOKEN) {
    tokenFile = join(tmpdir(), `metaconform-reference-${process.pid}.token`);
    writeFileSync(tokenFile, token, { mode: 0o600 });
  }
  const keystone = {
    OS_AUTH_URL: `${reference.url}/identity/v3`,
    OS_USERNAME: user.name,
    OS_USER_DOMAIN_NAME: user.domain,
    OS_PROJECT_NAME: reference.keystone.options.projectName,
    OS_PROJECT_DOMAIN_NAME: user.domain,
    OS_APPLICATION_CREDENTIAL_ID: user.applicationCredential.id,
    OS_REGION_NAME: reference.keystone.options.region,
  };
  console.log(JSON.stringify({ METACONFORM_COMPUTE_URL: `${reference.url}/v2.1`, OS_PROJECT_ID: reference.projectId, METACONFORM_SERVER_ID: server.id, METACONFORM_IMAGE_ID: image.id, ...(tokenFile ? { tokenFile } : {}), keystone }));
  // Keystone v2.0 (password or API key): its catalog's compute endpoint is the /v2/{tenant} base
  const keystoneV2 = { OS_AUTH_URL: `${reference.url}/identity/v2.0`, OS_USERNAME: user.name, OS_TENANT_NAME: reference.keystone.options.projectName, OS_REGION_NAME: reference.keystone.options.region };
  console.log(JSON.stringify({ keystoneV2 }));
  const stop = () => void reference.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`reference: ${(e as Error).message}`);
  process.exit(2);
});
