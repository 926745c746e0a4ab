// The fault injection settings a test or the admin endpoint can set, validated with zod.

import { z } from 'zod'

const rate = z.number().min(0).max(1)

export const faultSettingsSchema = z
  .object({
    /** Added delay in ms before a data API call is answered: a number, or a [min, max] range. */
    latencyMs: z.union([
      z.number().int().min(0),
      z.tuple([z.number().int().min(0), z.number().int().min(0)]),
    ]),
    /** Probability per call of each failure; drawn from the seeded generator, in this order. */
    errorRates: z
      .object({
        /** 503 `[{"errorCode":"SERVER_UNAVAILABLE",...}]` */
        serverUnavailable: rate,
        /** 400 `UNABLE_TO_LOCK_ROW`, only on writes (POST, PATCH, PUT, DELETE). */
        unableToLockRow: rate,
        /** 500 `UNKNOWN_EXCEPTION` */
        internalError: rate,
        /** 502 with an HTML body, as an edge proxy answers. */
        badGatewayHtml: rate,
        /** 503 with the HTML maintenance page. */
        maintenanceHtml: rate,
        /** The TCP connection is destroyed without an answer. */
        connectionReset: rate,
      })
      .partial()
      .strict(),
    /** Expire every session after this many authenticated data API calls (then again). */
    expireSessionsEvery: z.number().int().min(1).nullable(),
    /** Refuse the username-password flow with `invalid_grant`/`authentication failure`. */
    blockPasswordFlow: z.boolean(),
    /** Also apply latency, errors and resets to `/services/oauth2/token`. Default false. */
    includeOAuth: z.boolean(),
    /** Faults of the Pub/Sub API (gRPC); setting this object again restarts its counters. */
    pubsub: z
      .object({
        /** End every Subscribe stream with UNAVAILABLE once it has sent this many events. */
        dropStreamAfterEvents: z.number().int().min(1).nullable(),
        /** Answer this many calls (of any RPC) with UNAVAILABLE, then serve again. */
        unavailableCalls: z.number().int().min(0),
        /** Expire every session once this many events have been sent (open streams go on). */
        expireSessionsAfterEvents: z.number().int().min(1).nullable(),
        /**
         * Send the next this many change events as gap events (GAP_CREATE, GAP_UPDATE, ...:
         * the header only), as Salesforce does when it cannot build an event's body.
         */
        gapChanges: z.number().int().min(1).nullable(),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict()

export type FaultSettings = z.infer<typeof faultSettingsSchema>
export type FaultKind = keyof NonNullable<FaultSettings['errorRates']>
export type PubSubFaultSettings = NonNullable<FaultSettings['pubsub']>
