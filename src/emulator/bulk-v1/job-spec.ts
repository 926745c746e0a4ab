// Reads a JobInfo request body (create a job, or close or abort one) from XML or JSON into
// its fields; a body that cannot be read answers InvalidXML or InvalidJob as Salesforce does.

import { AsyncApiError, type WireFormat } from './async-error.js'
import { parseXml, XmlSyntaxError } from './xml-lite.js'

export interface JobSpec {
  operation?: string
  object?: string
  externalIdFieldName?: string
  concurrencyMode?: string
  contentType?: string
  state?: string
}

const KEYS = [
  'operation',
  'object',
  'externalIdFieldName',
  'concurrencyMode',
  'contentType',
  'state',
] as const

export function readJobSpec(body: unknown, format: WireFormat): JobSpec {
  const text = typeof body === 'string' ? body : ''
  if (text.trim() === '') {
    throw new AsyncApiError(400, 'InvalidJob', 'The request has no body: send a JobInfo.')
  }
  const spec: JobSpec = {}
  if (format === 'JSON') {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      throw new AsyncApiError(
        400,
        'InvalidJob',
        `The JobInfo is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      )
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new AsyncApiError(400, 'InvalidJob', 'The JobInfo must be a JSON object.')
    }
    for (const key of KEYS) {
      const v = (value as Record<string, unknown>)[key]
      if (typeof v === 'string') spec[key] = v
    }
    return spec
  }
  let root
  try {
    root = parseXml(text)
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err
    throw new AsyncApiError(400, 'InvalidXML', `The JobInfo is not well-formed XML: ${err.message}`)
  }
  if (root.name !== 'jobInfo') {
    throw new AsyncApiError(400, 'InvalidXML', `Expected <jobInfo> but found <${root.name}>`)
  }
  for (const child of root.children) {
    if ((KEYS as readonly string[]).includes(child.name))
      spec[child.name as (typeof KEYS)[number]] = child.text.trim()
  }
  return spec
}
