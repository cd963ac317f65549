/**
 * `npm run catalogue:release`: records the SHA-256 of the current catalogue for the version in package.json in
 * catalogue/released.json (what `metaconform verify` judges bundles by). Refuses to change the digest of a version
 * already listed: a changed catalogue needs a new version.
 *
 * `npm run catalogue:release -- --dev`: while the current version is still in development (not released, no bundle
 * made with it given to anyone), overwrites its digest with the current catalogue's. Never use it for a version
 * that was released: bundles of that version would no longer verify.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { catalogueJson, RELEASED_FILE, releasedCatalogues } from '../cli/bundle.ts';
import { suiteVersion } from '../cli/paths.ts';

const dev = process.argv.includes('--dev');
const version = suiteVersion();
const digest = createHash('sha256').update(catalogueJson()).digest('hex');
const released = { ...releasedCatalogues() };
if (released[version] === digest) {
  console.log(`catalogue of ${version} already recorded (${digest})`);
} else if (released[version] !== undefined && !dev) {
  console.error(`catalogue/released.json already records ${version} with another catalogue: bump the version in package.json first (or, for a version still in development, --dev)`);
  process.exitCode = 2;
} else {
  const was = released[version];
  released[version] = digest;
  writeFileSync(RELEASED_FILE, `${JSON.stringify(released, null, 2)}\n`);
  console.log(was === undefined ? `recorded the catalogue of ${version}: ${digest}` : `development version ${version}: its catalogue digest is now ${digest} (was ${was})`);
}
