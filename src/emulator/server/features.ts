// The features plugged into the emulator's server. Each helper adds its one entry here.

import type { Feature } from './emulator-context.js'
import { compositeFeature } from '../composite/index.js'
import { bulkFeature } from '../bulk/index.js'
import { setupFeature } from '../setup/index.js'

export const features: Feature[] = [compositeFeature, bulkFeature, setupFeature]
