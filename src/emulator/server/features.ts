// The features plugged into the emulator's server. Each helper adds its one entry here.

import type { Feature } from './emulator-context.js'
import { compositeFeature } from '../composite/index.js'
import { createBulkFeature, type BulkOptions } from '../bulk/index.js'
import { createBulkV1Feature } from '../bulk-v1/index.js'
import { setupFeature } from '../setup/index.js'

/** The features, with Bulk processing at the given pace (default: as fast as it goes). */
export function features(options: { bulk?: BulkOptions } = {}): Feature[] {
  return [
    compositeFeature,
    createBulkFeature(options.bulk),
    createBulkV1Feature(options.bulk),
    setupFeature,
  ]
}
