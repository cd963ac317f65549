/** Every environment variable the suite reads (documented in .env.example and the README). */
export const VARS = {
  target: 'METACONFORM_TARGET',
  computeUrl: 'METACONFORM_COMPUTE_URL',
  token: 'OS_TOKEN',
  projectId: 'OS_PROJECT_ID',
  serverId: 'METACONFORM_SERVER_ID',
  flavor: 'METACONFORM_FLAVOR',
  bootImage: 'METACONFORM_BOOT_IMAGE',
  network: 'METACONFORM_NETWORK',
  bootTimeout: 'METACONFORM_BOOT_TIMEOUT_S',
  imageId: 'METACONFORM_IMAGE_ID',
  errorServerId: 'METACONFORM_ERROR_SERVER_ID',
  profile: 'METACONFORM_PROFILE',
  resultsDir: 'METACONFORM_RESULTS_DIR',
  timeoutMs: 'METACONFORM_TIMEOUT_MS',
  concurrency: 'METACONFORM_CONCURRENCY',
  referenceMutant: 'METACONFORM_REFERENCE_MUTANT',
} as const;
