// The OpenAPI parts of asynchronous channel calls (channel-async.ts, job-status-route.ts): the
// `Prefer` and `Idempotency-Key` request headers and the 202 answer every channel operation
// shares, and the GET /jobs/{id} status path.
import { MAX_WAIT_SECONDS } from '../channels/index.js'
import type { JsonSchema } from './openapi-schemas.js'

const text = { type: 'string' }
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const JOB_STATES = ['queued', 'running', 'succeeded', 'dead']

/** Schemas under components.schemas. */
export const ASYNC_SCHEMAS: Record<string, JsonSchema> = {
  AsyncAccepted: {
    type: 'object',
    description: 'The call was queued; follow it at statusUrl.',
    properties: {
      jobId: text,
      state: {
        ...text,
        enum: JOB_STATES,
        description: 'queued for a new job; the current state when an Idempotency-Key repeats.',
      },
      statusUrl: {
        ...text,
        format: 'uri',
        description: 'GET it for the status; its token is the only credential it needs.',
      },
    },
    required: ['jobId', 'state', 'statusUrl'],
  },
  JobStatus: {
    type: 'object',
    description: "A job's status; never its input.",
    properties: {
      jobId: text,
      state: { ...text, enum: JOB_STATES },
      attempts: { type: 'integer', minimum: 0 },
      createdAt: { ...text, format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
      output: { description: 'The service result, once the job succeeded.' },
      error: {
        type: 'object',
        description: 'Why the job is dead, or why its last attempt failed while it waits to retry.',
        properties: { code: text, message: text },
        required: ['code', 'message'],
      },
    },
    required: ['jobId', 'state', 'attempts', 'createdAt', 'finishedAt'],
  },
}

/** Request headers under components.parameters. */
export const ASYNC_PARAMETERS = {
  Prefer: {
    name: 'Prefer',
    in: 'header',
    required: false,
    schema: text,
    example: 'respond-async',
    description:
      'RFC 7240. `respond-async` queues the call (after the same checks and input validation) and answers 202 with a status URL instead of waiting for the service.',
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x20-\\x7e]+$' },
    description:
      'With `Prefer: respond-async` only: a repeated call with the same key on this channel returns the job queued first (202, same jobId) instead of running again. Ignored by synchronous calls.',
  },
}

/** Headers under components.headers. */
export const ASYNC_HEADERS = {
  Location: { description: 'The status URL of the queued job.', required: true, schema: text },
  PreferenceApplied: {
    description: 'respond-async: the call was queued.',
    required: true,
    schema: { ...text, const: 'respond-async' },
  },
  RetryAfterPoll: {
    description: 'While the job is queued or running: seconds before polling again.',
    schema: { type: 'integer', minimum: 1 },
  },
}

const headerRef = (name: keyof typeof ASYNC_HEADERS | 'CorrelationId') => ({
  $ref: `#/components/headers/${name}`,
})

/** The 202 answer under components.responses. */
export const ASYNC_RESPONSES = {
  Accepted: {
    description: 'Queued (the caller sent `Prefer: respond-async`).',
    headers: {
      'X-Correlation-Id': headerRef('CorrelationId'),
      Location: headerRef('Location'),
      'Preference-Applied': headerRef('PreferenceApplied'),
    },
    content: { 'application/json': { schema: schemaRef('AsyncAccepted') } },
  },
}

/** The references a channel operation adds to its parameters. */
export const ASYNC_PARAMETER_REFS = [
  { $ref: '#/components/parameters/Prefer' },
  { $ref: '#/components/parameters/IdempotencyKey' },
]

/** Operation id of GET /jobs/{id}; channel operation ids always hold an underscore. */
export const JOB_STATUS_OPERATION_ID = 'getJobStatus'

/** The path item of GET /jobs/{id}. */
export function jobStatusPathItem(): Record<string, Record<string, unknown>> {
  const notFound = {
    description:
      'No such job, or the token is missing or does not match it (the same answer for both).',
    content: { 'application/json': { schema: schemaRef('Error') } },
  }
  return {
    get: {
      operationId: JOB_STATUS_OPERATION_ID,
      summary: 'Status of a job queued by an asynchronous channel call',
      description:
        'The URL comes from the 202 answer (`statusUrl`, `Location`). Its token is a capability ' +
        'bound to one job: no channel credential is needed, so it can be handed to a partner system. ' +
        `\`wait\` long-polls up to ${MAX_WAIT_SECONDS} s until the job finishes.`,
      tags: ['jobs'],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: text },
        {
          name: 'token',
          in: 'query',
          required: true,
          schema: text,
          description: 'From the status URL.',
        },
        {
          name: 'wait',
          in: 'query',
          required: false,
          schema: { type: 'number', minimum: 0 },
          description: `Seconds to wait for the job to finish before answering (at most ${MAX_WAIT_SECONDS}; more counts as ${MAX_WAIT_SECONDS}).`,
        },
      ],
      responses: {
        '200': {
          description: 'The job. While queued or running, Retry-After says when to poll again.',
          headers: {
            'X-Correlation-Id': headerRef('CorrelationId'),
            'Retry-After': headerRef('RetryAfterPoll'),
          },
          content: { 'application/json': { schema: schemaRef('JobStatus') } },
        },
        '400': {
          description: '`wait` is not a number of seconds (BAD_REQUEST).',
          content: { 'application/json': { schema: schemaRef('Error') } },
        },
        '404': notFound,
      },
      security: [],
    },
  }
}
