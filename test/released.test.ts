import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { catalogueJson, releasedCatalogues } from '../cli/bundle.ts';
import { suiteVersion } from '../cli/paths.ts';

describe('released catalogues (catalogue/released.json), the authority verify judges bundles by', () => {
  test('the current version is listed with the digest of the current catalogue: a catalogue change needs a version bump', () => {
    const released = releasedCatalogues();
    const digest = createHash('sha256').update(catalogueJson()).digest('hex');
    expect(released[suiteVersion()], `catalogue/released.json must list ${suiteVersion()} with the SHA-256 of catalogueJson(); changed the catalogue? bump the version in package.json and add it`).toBe(digest);
  });

  test('every entry is a version and a SHA-256', () => {
    for (const [version, digest] of Object.entries(releasedCatalogues())) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(digest).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
