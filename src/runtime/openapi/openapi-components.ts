// The parts of the OpenAPI document every channel shares: the bodies of the error answers (one
// per status, as http-server.ts sends them), their headers, and the security schemes made from
// the security definitions channels use. Never a secret: only kinds, names and JWT settings.
import type { SecurityDefinitionInfo } from '../../store/index.js'
import { componentName, type JsonSchema } from './openapi-schemas.js'

const text = { type: 'string' }

/** Schemas of the error bodies, under components.schemas. */
export const ERROR_SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    description: 'An answer that is not the service result.',
    properties: { error: { ...text, description: 'A stable code; match on it.' }, message: text },
    required: ['error'],
  },
  InvalidInput: {
    type: 'object',
    properties: {
      error: { ...text, const: 'INVALID_INPUT' },
      message: text,
      issues: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            path: { ...text, description: 'Dotted path of the bad field; empty for the input.' },
            message: text,
          },
          required: ['path', 'message'],
        },
      },
    },
    required: ['error', 'issues'],
  },
  SalesforceError: {
    type: 'object',
    properties: {
      error: { ...text, enum: ['SALESFORCE_ERROR', 'SALESFORCE_LOGIN_FAILED'] },
      errorCode: {
        ...text,
        description: "Salesforce's own code, such as REQUIRED_FIELD_MISSING or invalid_grant.",
      },
      message: text,
      fields: { type: 'array', items: text },
      correlationId: text,
    },
    required: ['error', 'errorCode', 'correlationId'],
  },
  Unavailable: {
    type: 'object',
    properties: { error: text, message: text, correlationId: text },
    required: ['error'],
  },
  InternalError: {
    type: 'object',
    description: 'A bug; the details are in the server log under the correlation id.',
    properties: { error: { ...text, const: 'INTERNAL_ERROR' }, correlationId: text },
    required: ['error', 'correlationId'],
  },
}

export const HEADERS = {
  CorrelationId: {
    description: 'Identifies the request in the server log; sent back on every answer.',
    schema: text,
  },
  RetryAfter: {
    description: 'Seconds to wait before the next call.',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
  WwwAuthenticate: { description: 'The scheme the channel expects.', schema: text },
}

/** The HTTP name of each header component. */
const HEADER_NAMES: Record<keyof typeof HEADERS, string> = {
  CorrelationId: 'X-Correlation-Id',
  RetryAfter: 'Retry-After',
  WwwAuthenticate: 'WWW-Authenticate',
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` })

function answer(
  description: string,
  schema: string | JsonSchema,
  headers: (keyof typeof HEADERS)[] = [],
) {
  const all: (keyof typeof HEADERS)[] = ['CorrelationId', ...headers]
  return {
    description,
    headers: Object.fromEntries(
      all.map((h) => [HEADER_NAMES[h], { $ref: `#/components/headers/${h}` }]),
    ),
    content: {
      'application/json': { schema: typeof schema === 'string' ? schemaRef(schema) : schema },
    },
  }
}

/** Shared answers under components.responses, by the key operations refer to. */
export const ERROR_RESPONSES = {
  InvalidInput: answer(
    'The input does not match the service schema (INVALID_INPUT, issues lists each problem), or the body is not valid JSON (BAD_REQUEST).',
    { anyOf: [schemaRef('InvalidInput'), schemaRef('Error')] },
  ),
  Unauthorized: answer(
    'The credential is missing or wrong. No detail is given on purpose.',
    'Error',
    ['WwwAuthenticate'],
  ),
  PayloadTooLarge: answer(
    'The body is larger than the channel allows (PAYLOAD_TOO_LARGE).',
    'Error',
  ),
  RateLimited: answer('The channel rate limit is spent (RATE_LIMITED); retry later.', 'Error', [
    'RetryAfter',
  ]),
  SalesforceError: answer(
    'Salesforce refused the call, or the login to it failed; errorCode is its code.',
    'SalesforceError',
  ),
  Unavailable: answer(
    'The connection is missing or inactive, the service is not loaded, the keys to check a token cannot be fetched (AUTH_UNAVAILABLE), or the server is shutting down.',
    'Unavailable',
  ),
  Timeout: answer(
    'The service did not finish within its time budget (SERVICE_TIMEOUT).',
    'Unavailable',
  ),
  InternalError: answer('A bug: only the correlation id is given.', 'InternalError'),
} as const

export type ErrorResponse = keyof typeof ERROR_RESPONSES

/** A security requirement list (alternatives) and the schemes it names. */
export interface ChannelSecurity {
  requirement: Record<string, string[]>[]
  schemes: Record<string, Record<string, unknown>>
}

/**
 * The OpenAPI security schemes of `definition`. An API key is accepted in `X-API-Key` or as a
 * bearer token, so it is two alternative schemes; `key` is its unique component name.
 */
export function securityOf(definition: SecurityDefinitionInfo, key: string): ChannelSecurity {
  const about = `Security definition '${definition.name}'`
  switch (definition.kind) {
    case 'api_key':
      return {
        requirement: [{ [key]: [] }, { [`${key}.bearer`]: [] }],
        schemes: {
          [key]: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: `${about}: an API key.`,
          },
          [`${key}.bearer`]: {
            type: 'http',
            scheme: 'bearer',
            description: `${about}: the same API key as \`Authorization: Bearer <key>\`.`,
          },
        },
      }
    case 'basic':
      return {
        requirement: [{ [key]: [] }],
        schemes: { [key]: { type: 'http', scheme: 'basic', description: `${about}: HTTP Basic.` } },
      }
    case 'jwt': {
      const checks = [
        `signed ${definition.algorithm}`,
        'exp required',
        ...(definition.issuer ? [`iss must be ${definition.issuer}`] : []),
        ...(definition.audience ? [`aud must contain ${definition.audience}`] : []),
      ]
      return {
        requirement: [{ [key]: [] }],
        schemes: {
          [key]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: `${about}: a JWT (${checks.join(', ')}).`,
          },
        },
      }
    }
  }
}

/** Unique scheme names for the definitions, from their own names. */
export function schemeNames(definitions: readonly SecurityDefinitionInfo[]): Map<string, string> {
  const names = new Map<string, string>()
  const taken = new Set<string>()
  for (const d of definitions) {
    let name = componentName(d.name)
    for (let n = 2; taken.has(name) || taken.has(`${name}.bearer`); n++) {
      name = `${componentName(d.name)}_${n}`
    }
    taken.add(name)
    taken.add(`${name}.bearer`)
    names.set(d.id, name)
  }
  return names
}
