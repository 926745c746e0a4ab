// The Chromium every browser test launches: the path scripts/ensure-chromium.mjs found (or
// installed) in vitest's globalSetup, handed over with `provide`.
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string
  }
}

/** The executable to pass to playwright-core's `chromium.launch({ executablePath })`. */
export function chromiumPath(): string {
  const path = inject('chromiumPath')
  // Only a run without vitest.config.ts (and so without its globalSetup) gets here.
  if (typeof path !== 'string' || path === '') {
    throw new Error(
      'browser tests: no Chromium path was provided; run the tests with vitest.config.ts (npm test), whose globalSetup scripts/ensure-chromium.mjs finds one',
    )
  }
  return path
}
