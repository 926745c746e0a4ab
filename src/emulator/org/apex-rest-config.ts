// The org file's `apexRest` entries: custom Apex REST endpoints played by TypeScript (or
// JavaScript) handler modules, so that services calling them are testable offline.

import { z } from 'zod'

export const apexRestRouteSchema = z
  .object({
    /** HTTP method: GET, POST, PUT, PATCH or DELETE. */
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /**
     * The path under `/services/apexrest`, e.g. `/Orders/:id` (`:name` takes one segment) or
     * `/Orders/*` (`*` takes the rest, as an Apex `urlMapping`). Matched case-sensitively.
     */
    path: z.string().regex(/^\/[^?#]*$/, 'must start with / and hold no query'),
    /** The handler module, relative to the org file (or the working folder for an object). */
    handler: z.string().min(1),
    /** The module's export to call. Default `default`. */
    export: z.string().default('default'),
  })
  .strict()

export type ApexRestRouteConfig = z.output<typeof apexRestRouteSchema>
