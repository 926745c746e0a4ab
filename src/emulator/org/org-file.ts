// The org file format (YAML or JSON): settings, users, connected apps and objects.
// Validated with zod so that every error names the bad path.

import { z } from 'zod'
import { apexRestRouteSchema } from './apex-rest-config.js'

const fieldTypes = [
  'text',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'checkbox',
  'number',
  'currency',
  'percent',
  'date',
  'datetime',
  'lookup',
] as const

const apiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an API name')

export const customFieldSchema = z
  .object({
    name: apiName.refine((n) => n.endsWith('__c'), 'a custom field name ends with __c'),
    label: z.string().optional(),
    type: z.enum(fieldTypes),
    required: z.boolean().default(false),
    unique: z.boolean().default(false),
    externalId: z.boolean().default(false),
    caseSensitive: z.boolean().default(false),
    /** Text types: maximum length (default 255; textarea 32768). */
    length: z.number().int().min(1).max(131072).optional(),
    /** Number types: total digits (default 18) and digits after the point (default 0, currency 2). */
    precision: z.number().int().min(1).max(18).optional(),
    scale: z.number().int().min(0).max(17).optional(),
    /** Picklists: the values, in order; the first with `default: true` is the default. */
    values: z
      .array(
        z.union([
          z.string(),
          z.object({
            value: z.string(),
            label: z.string().optional(),
            default: z.boolean().optional(),
          }),
        ]),
      )
      .optional(),
    restricted: z.boolean().default(false),
    /** Lookups: the object pointed to, e.g. `Account`. */
    referenceTo: z.string().optional(),
    /** Lookups: the child relationship name on the parent, e.g. `Invoices` (`__r` is added). */
    relationshipName: z.string().optional(),
    defaultValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'lookup' && !f.referenceTo) {
      ctx.addIssue({ code: 'custom', path: ['referenceTo'], message: 'a lookup needs referenceTo' })
    }
    if ((f.type === 'picklist' || f.type === 'multipicklist') && !f.values?.length) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'a picklist needs values' })
    }
  })

export const recordTypeSchema = z
  .object({
    /** e.g. `Enterprise` (RecordType.DeveloperName). */
    developerName: apiName,
    /** RecordType.Name; default: the developer name with spaces for underscores. */
    label: z.string().optional(),
    description: z.string().optional(),
    active: z.boolean().default(true),
    /** The default record type for new records; default: the first one declared. */
    default: z.boolean().optional(),
  })
  .strict()

export const objectSchema = z
  .object({
    /** A standard object to extend (`Campaign`) or a custom one (`Invoice__c`). */
    name: apiName,
    label: z.string().optional(),
    labelPlural: z.string().optional(),
    fields: z.array(customFieldSchema).default([]),
    /** Record types; the object gains RecordTypeId and `recordTypeInfos` lists them. */
    recordTypes: z.array(recordTypeSchema).default([]),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.recordTypes.filter((r) => r.default === true).length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['recordTypes'],
        message: 'at most one record type is the default',
      })
    }
  })

/** A workflow rule, listed by `/process/rules` (the emulator runs no actions). */
export const processRuleSchema = z
  .object({
    object: apiName,
    name: z.string().min(1),
    description: z.string().optional(),
    active: z.boolean().default(true),
    /** Field updates, email alerts, ... the rule would run, as `/process/rules` lists them. */
    actions: z
      .array(
        z
          .object({
            name: z.string().min(1),
            type: z.enum(['FieldUpdate', 'Alert', 'Task', 'OutboundMessage']),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()

/** An approval process, listed by `/process/approvals`; submitting a record starts it. */
export const approvalProcessSchema = z
  .object({
    object: apiName,
    /** The process's unique (developer) name. */
    name: apiName,
    description: z.string().optional(),
    sortOrder: z.number().int().min(1).optional(),
  })
  .strict()

export const platformEventSchema = z
  .object({
    name: apiName.refine((n) => n.endsWith('__e'), 'a platform event name ends with __e'),
    label: z.string().optional(),
    fields: z.array(customFieldSchema).default([]),
  })
  .strict()

const flows = [
  'password',
  'client_credentials',
  'jwt_bearer',
  'authorization_code',
  'refresh_token',
] as const

export const orgFileSchema = z
  .object({
    name: z.string().default('forcebridge emulator'),
    settings: z
      .object({
        allowUsernamePasswordFlow: z.boolean().default(true),
        /** CIDR ranges (IPv4) whose callers may omit the security token. */
        trustedIpRanges: z
          .array(
            z
              .string()
              .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/8'),
          )
          .default([]),
        dailyApiRequests: z.number().int().min(1).default(15000),
        sessionTimeoutMinutes: z.number().int().min(1).default(120),
        /** Logins allowed per user per rolling hour (Salesforce: about 3,600). */
        loginsPerUserPerHour: z.number().int().min(1).default(3600),
        /** Concurrent requests running 20 s or more (25 in production, 5 in Developer Edition). */
        maxConcurrentLongRunning: z.number().int().min(1).default(25),
      })
      .strict()
      .prefault({}),
    users: z
      .array(
        z
          .object({
            username: z.string().min(1),
            password: z.string().min(1),
            securityToken: z.string().default(''),
            active: z.boolean().default(true),
            apiEnabled: z.boolean().default(true),
            firstName: z.string().optional(),
            lastName: z.string().default('User'),
            email: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    connectedApps: z
      .array(
        z
          .object({
            name: z.string().min(1),
            consumerKey: z.string().min(1),
            consumerSecret: z.string().min(1),
            flows: z.array(z.enum(flows)).default(['password', 'refresh_token']),
            /** Username the client credentials flow runs as. */
            runAs: z.string().optional(),
            /** PEM certificate (or public key) that verifies JWT bearer assertions. */
            certificate: z.string().optional(),
            refreshTokenRotation: z.boolean().default(false),
            /** Redirect URIs the web-server flow accepts; when empty, any http(s) URI. */
            callbackUrls: z.array(z.string().url()).optional(),
            /**
             * "Require Secret for Web Server Flow": the code exchange needs the consumer secret
             * even with PKCE. Off by default here; on by default for a new app in Salesforce.
             */
            requireSecretForWebServerFlow: z.boolean().default(false),
            scopes: z.array(z.string()).default(['api', 'refresh_token']),
          })
          .strict(),
      )
      .default([]),
    objects: z.array(objectSchema).default([]),
    /** Custom Apex REST endpoints and the handler modules that answer them. */
    apexRest: z.array(apexRestRouteSchema).default([]),
    /** What the Pub/Sub API publishes (docs/emulator.md, "Events"). */
    events: z
      .object({
        /** Entities selected for Change Data Capture, e.g. `[Account, Invoice__c]`. */
        changeDataCapture: z.array(apiName).default([]),
        /** Platform event objects (`Name__e`) with their custom fields. */
        platformEvents: z.array(platformEventSchema).default([]),
      })
      .strict()
      .prefault({}),
    processRules: z.array(processRuleSchema).default([]),
    approvalProcesses: z.array(approvalProcessSchema).default([]),
  })
  .strict()

export type OrgFile = z.input<typeof orgFileSchema>
export type OrgConfig = z.output<typeof orgFileSchema>
export type CustomFieldConfig = z.output<typeof customFieldSchema>
export type ConnectedAppConfig = OrgConfig['connectedApps'][number]
export type UserConfig = OrgConfig['users'][number]
export type PlatformEventConfig = OrgConfig['events']['platformEvents'][number]
