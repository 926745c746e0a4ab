// The features plugged into the emulator's server. Each helper adds its one entry here.

import type { Feature } from './emulator-context.js'

export const features: Feature[] = []
