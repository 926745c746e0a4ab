// The standard objects every emulated org has, as data (one table per area of Salesforce's
// Object Reference), parsed once into describe metadata.

import { commerceObjects } from './commerce-objects.js'
import { contentObjects } from './content-objects.js'
import { parseObjectSpec, type ObjectTemplate } from './parse-object-spec.js'
import { salesObjects } from './sales-objects.js'
import { serviceObjects } from './service-objects.js'
import { setupObjects } from './setup-objects.js'

export type { ObjectTemplate } from './parse-object-spec.js'
export type { ObjectSpec } from './object-spec.js'

export const standardObjects: ObjectTemplate[] = [
  ...salesObjects,
  ...serviceObjects,
  ...commerceObjects,
  ...contentObjects,
  ...setupObjects,
].map(parseObjectSpec)
