// The OpenAPI 3.1 document of the channels in the store: one path item per channel path, the
// request from the service's input schema (a JSON body for POST/PUT/PATCH, query parameters for
// GET/DELETE, path parameters from `:name` segments), the 200 answer from its output schema, the
// shared error answers, and the security schemes of the definitions the channels use. Every
// operation may also be called asynchronously (202, openapi-async.ts); GET /jobs/{id} follows it.
import type { ChannelInfo, SecurityDefinitionInfo } from '../../store/index.js'
import type { AnyService } from '../services/index.js'
import {
  ASYNC_HEADERS,
  ASYNC_PARAMETER_REFS,
  ASYNC_PARAMETERS,
  ASYNC_RESPONSES,
  ASYNC_SCHEMAS,
  JOB_STATUS_OPERATION_ID,
  jobStatusPathItem,
} from './openapi-async.js'
import {
  ERROR_RESPONSES,
  ERROR_SCHEMAS,
  HEADERS,
  schemeNames,
  securityOf,
  type ErrorResponse,
} from './openapi-components.js'
import {
  addComponentSchema,
  componentName,
  objectProperties,
  toJsonSchema,
  withoutProperties,
  type JsonSchema,
} from './openapi-schemas.js'

export interface OpenApiSources {
  channels: readonly ChannelInfo[]
  definitions: readonly SecurityDefinitionInfo[]
  /** The loaded service of that name, or undefined when it is not loaded. */
  service: (name: string) => AnyService | undefined
  /** info.version: forcebridge's version. */
  version: string
  /** servers[0].url; left out: no servers (clients then use the document's own origin). */
  serverUrl?: string
}

export type OpenApiDocument = Record<string, unknown> & {
  openapi: '3.1.0'
  paths: Record<string, Record<string, Operation>>
  components: {
    schemas: Record<string, JsonSchema>
    securitySchemes: Record<string, Record<string, unknown>>
  } & Record<string, unknown>
}

interface Operation {
  operationId: string
  [key: string]: unknown
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/**
 * Builds the document.
 *
 * @example
 * buildOpenApiDocument({ channels, definitions, service: (n) => registry.get(n), version: '0.1.0' })
 */
export function buildOpenApiDocument(sources: OpenApiSources): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { ...ERROR_SCHEMAS, ...ASYNC_SCHEMAS }
  const securitySchemes: Record<string, Record<string, unknown>> = {}
  const definitionsById = new Map(sources.definitions.map((d) => [d.id, d]))
  const schemeName = schemeNames(sources.definitions)
  const serviceSchemas = new Map<string, { input: JsonSchema; output?: JsonSchema }>()
  const operationIds = new Set<string>([JOB_STATUS_OPERATION_ID])
  const paths: OpenApiDocument['paths'] = {}

  // Sorted, so the same configuration gives the same document whatever the store's order.
  const channels = [...sources.channels].sort(
    (a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
  )
  for (const channel of channels) {
    const service = sources.service(channel.service)
    let converted = serviceSchemas.get(channel.service)
    if (!converted && service) {
      const base = componentName(channel.service)
      converted = {
        input: addComponentSchema(schemas, `${base}.input`, toJsonSchema(service.input, 'input')),
        ...(service.output
          ? {
              output: addComponentSchema(
                schemas,
                `${base}.output`,
                toJsonSchema(service.output, 'output'),
              ),
            }
          : {}),
      }
      serviceSchemas.set(channel.service, converted)
    }
    let security: ReturnType<typeof securityOf> | undefined
    const definition =
      channel.securityDefinitionId === null
        ? undefined
        : definitionsById.get(channel.securityDefinitionId)
    if (definition) {
      security = securityOf(definition, schemeName.get(definition.id) ?? definition.id)
      Object.assign(securitySchemes, security.schemes)
    }
    const template = channel.path.replace(/:([^/]+)/g, '{$1}')
    const item = (paths[template] ??= {})
    item[channel.method.toLowerCase()] = operation(channel, {
      service,
      input: converted?.input,
      hasOutput: converted?.output !== undefined,
      security,
      danglingSecurity: channel.securityDefinitionId !== null && !definition,
      operationId: uniqueId(channel, operationIds),
    })
  }

  // Reserved for the server (the store refuses channels under /jobs/), so no channel clashes.
  paths['/jobs/{id}'] = jobStatusPathItem() as OpenApiDocument['paths'][string]

  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'forcebridge',
      version: sources.version,
      description:
        'The REST channels of this forcebridge server, built from its configuration and the ' +
        'schemas of its loaded services.',
    },
    ...(sources.serverUrl ? { servers: [{ url: sources.serverUrl }] } : {}),
    paths,
    components: {
      schemas,
      responses: { ...ERROR_RESPONSES, ...ASYNC_RESPONSES },
      parameters: ASYNC_PARAMETERS,
      headers: { ...HEADERS, ...ASYNC_HEADERS },
      securitySchemes,
    },
  }
  return document
}

interface OperationParts {
  service: AnyService | undefined
  input: JsonSchema | undefined
  hasOutput: boolean
  security: ReturnType<typeof securityOf> | undefined
  danglingSecurity: boolean
  operationId: string
}

function operation(channel: ChannelInfo, parts: OperationParts): Operation {
  const pathParams = [...channel.path.matchAll(/:([^/]+)/g)].map((m) => m[1] ?? '')
  const input = parts.input ?? {}
  const base = componentName(channel.service)
  const { properties, required } = objectProperties(input)
  const parameters: Record<string, unknown>[] = pathParams.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'From the URL; merged into the service input.',
  }))
  let requestBody: Record<string, unknown> | undefined
  if (BODY_METHODS.has(channel.method)) {
    // The body is the input without the path parameters, which the URL supplies.
    const body =
      !parts.input || pathParams.length === 0
        ? parts.input
          ? { $ref: `#/components/schemas/${base}.input` }
          : {}
        : withoutProperties(input, pathParams)
    requestBody = {
      required: true,
      content: { 'application/json': { schema: body } },
    }
  } else {
    for (const [name, schema] of Object.entries(properties)) {
      if (pathParams.includes(name)) continue
      parameters.push({ name, in: 'query', required: required.has(name), schema })
    }
  }

  const notes: string[] = []
  // `description` is optional on a service and may be missing from older service objects.
  const description = (parts.service as { description?: unknown } | undefined)?.description
  if (typeof description === 'string' && description) notes.push(description)
  notes.push(`Runs the service '${channel.service}'.`)
  if (!parts.service) {
    notes.push(
      `The service '${channel.service}' is not loaded: calls answer 503 until it is deployed.`,
    )
  }
  if (parts.danglingSecurity) {
    notes.push('Its security definition no longer exists, so every call is refused.')
  }
  if (channel.rateLimit) {
    notes.push(
      `At most ${channel.rateLimit.requests} calls per ${channel.rateLimit.perSeconds} s (429 beyond).`,
    )
  }
  if (channel.timeoutMs !== null) notes.push(`Time budget: ${channel.timeoutMs} ms (504 beyond).`)
  if (channel.maxBodyBytes !== null && BODY_METHODS.has(channel.method)) {
    notes.push(`Largest body: ${channel.maxBodyBytes} bytes (413 beyond).`)
  }

  const errors: [string, ErrorResponse][] = [['400', 'InvalidInput']]
  if (parts.security || parts.danglingSecurity) {
    errors.push(['401', 'Unauthorized'])
  }
  if (BODY_METHODS.has(channel.method)) errors.push(['413', 'PayloadTooLarge'])
  if (channel.rateLimit) errors.push(['429', 'RateLimited'])
  errors.push(
    ['500', 'InternalError'],
    ['502', 'SalesforceError'],
    ['503', 'Unavailable'],
    ['504', 'Timeout'],
  )
  const ok = parts.hasOutput
    ? { $ref: `#/components/schemas/${base}.output` }
    : { description: 'Whatever the service returns, as JSON.' }
  parameters.push(...ASYNC_PARAMETER_REFS)
  return {
    operationId: parts.operationId,
    summary: `${channel.method} ${channel.path} → ${channel.service}`,
    description: notes.join('\n\n'),
    tags: [channel.service],
    ...(parts.service ? {} : { 'x-forcebridge-service-loaded': false }),
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses: {
      '200': {
        description: 'The service result.',
        headers: { 'X-Correlation-Id': { $ref: '#/components/headers/CorrelationId' } },
        content: { 'application/json': { schema: ok } },
      },
      '202': { $ref: '#/components/responses/Accepted' },
      ...Object.fromEntries(
        errors.map(([status, key]) => [status, { $ref: `#/components/responses/${key}` }]),
      ),
    },
    // An open channel says so explicitly: [] overrides any document-wide requirement.
    security: parts.security ? parts.security.requirement : [],
  }
}

/** `post_orders_id` from POST /orders/:id; unique within the document. */
function uniqueId(channel: ChannelInfo, taken: Set<string>): string {
  const stem = `${channel.method.toLowerCase()}_${channel.path
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`.replace(/_$/, '')
  let id = stem
  for (let n = 2; taken.has(id); n++) id = `${stem}_${n}`
  taken.add(id)
  return id
}
