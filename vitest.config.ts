import { defineConfig } from 'vitest/config'

/**
 * Suites whose subject keeps state in the store: they run a second time with each test home's
 * store on PostgreSQL (test/fixtures/test-store.ts). Suites that pick their dialects themselves
 * (storeDialects) run both already and are not listed.
 */
const STORE_BACKED = [
  'test/admin/admin-store.test.ts',
  'test/admin/api.test.ts',
  'test/admin/bulk-jobs-api.test.ts',
  'test/admin/security-api.test.ts',
  'test/admin/services-api.test.ts',
  'test/admin/sign-in-limits.test.ts',
  'test/cli/channel-command.test.ts',
  'test/cli/config-command.test.ts',
  'test/cli/connection-command.test.ts',
  'test/cli/deploy-command.test.ts',
  'test/cli/jobs-command.test.ts',
  'test/cli/subscription-command.test.ts',
  'test/runtime/async-invocations.test.ts',
  'test/runtime/bulk-resume.test.ts',
  'test/runtime/channel-async.test.ts',
  'test/runtime/channel-limits.test.ts',
  'test/runtime/channel-security.test.ts',
  'test/runtime/config-file.test.ts',
  'test/runtime/queue-crash.test.ts',
  'test/runtime/queue-two-workers.test.ts',
  'test/runtime/service-settings.test.ts',
  'test/runtime/shared-tokens.test.ts',
  'test/runtime/stored-tokens.test.ts',
]

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: run files in parallel, but not so many that servers starve each other.
    maxWorkers: 2,
    pool: 'forks',
    // Finds Chromium for the browser tests (or installs it, or stops the run saying how).
    globalSetup: ['scripts/ensure-chromium.mjs'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: STORE_BACKED,
          env: { FORCEBRIDGE_TEST_STORE: 'postgres' },
          setupFiles: ['test/fixtures/test-store-setup.ts'],
        },
      },
    ],
  },
})
