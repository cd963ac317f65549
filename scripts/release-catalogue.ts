/**
 * `npm run catalogue:release`: records the SHA-256 of the current catalogue for the version in package.json in
 * catalogue/released.json (what `metaconform verify` judges bundles by). Refuses to change the digest of a version
 * already listed: a changed catalogue needs a new version.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { catalogueJson, RELEASED_FILE, releasedCatalogues } from '../cli/bundle.ts';
import { suiteVersion } from '../cli/paths.ts';

const version = suiteVersion();
const digest = createHash('sha256').update(catalogueJson()).digest('hex');
const released = { ...releasedCatalogues() };
if (released[version] === digest) {
  console.log(`catalogue of ${version} already recorded (${digest})`);
} else if (released[version] !== undefined) {
  console.error(`catalogue/released.json already records ${version} with another catalogue: bump the version in package.json first`);
  process.exitCode = 2;
} else {
  released[version] = digest;
  writeFileSync(RELEASED_FILE, `${JSON.stringify(released, null, 2)}\n`);
  console.log(`recorded the catalogue of ${version}: ${digest}`);
}
