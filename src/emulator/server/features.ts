// The features plugged into the emulator's server. Each helper adds its one entry here.

import type { Feature } from './emulator-context.js'
import { compositeFeature } from '../composite/index.js'
import { createBulkFeature, type BulkOptions } from '../bulk/index.js'
import { createBulkV1Feature } from '../bulk-v1/index.js'
import { createApexRestFeature } from '../apexrest/index.js'
import type { ApexRestRouteConfig } from '../org/apex-rest-config.js'
import { setupFeature } from '../setup/index.js'

export interface FeatureOptions {
  /** Bulk processing pace (default: as fast as it goes). */
  bulk?: BulkOptions
  /** The org file's Apex REST endpoints, handler paths relative to `baseDir`. */
  apexRest?: { routes: ApexRestRouteConfig[]; baseDir: string }
  /** REST publishing of platform events: it needs the running event bus (the Pub/Sub API). */
  pubsub?: Feature
}

/** The features, with their options. */
export function features(options: FeatureOptions = {}): Feature[] {
  return [
    compositeFeature,
    createBulkFeature(options.bulk),
    createBulkV1Feature(options.bulk),
    setupFeature,
    createApexRestFeature(options.apexRest?.routes ?? [], options.apexRest?.baseDir ?? '.'),
    ...(options.pubsub ? [options.pubsub] : []),
  ]
}
