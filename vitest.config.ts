import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: run files in parallel, but not so many that servers starve each other.
    maxWorkers: 2,
    pool: 'forks',
    // Finds Chromium for the browser tests (or installs it, or stops the run saying how).
    globalSetup: ['scripts/ensure-chromium.mjs'],
  },
})
