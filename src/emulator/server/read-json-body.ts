// Parses a raw request body as JSON the way Salesforce reports bad input: a 400
// JSON_PARSER_ERROR whose message names the position (Salesforce uses Jackson's wording).

import { ForbiddenJsonKeyError, parseJson } from '../../util/index.js'
import { ApiError } from '../model/index.js'

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const column = position - before.lastIndexOf('\n')
  return `[line:${line}, column:${column}]`
}

/** The parsed body, or an ApiError 400 JSON_PARSER_ERROR. An empty body is an error too. */
export function readJsonBody(body: unknown): unknown {
  if (body !== undefined && body !== null && typeof body !== 'string') return body
  const text = typeof body === 'string' ? body : ''
  if (text.trim() === '') {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      'The HTTP entity body is required, but this request has no entity body.',
    )
  }
  try {
    return parseJson(text)
  } catch (err) {
    // Not Salesforce's behaviour (it would answer for an unknown field): the emulator's code
    // assigns fields by name, so a key that could rewrite a prototype is refused here, clearly.
    if (err instanceof ForbiddenJsonKeyError)
      throw new ApiError(400, 'JSON_PARSER_ERROR', err.message)
    const message = err instanceof Error ? err.message : String(err)
    const match = /position (\d+)/.exec(message)
    const position = match ? Number(match[1]) : text.length
    const ch = text[position]
    const what =
      ch === undefined
        ? 'Unexpected end-of-input'
        : `Unexpected character ('${ch}' (code ${ch.charCodeAt(0)}))`
    throw new ApiError(400, 'JSON_PARSER_ERROR', `${what} at ${lineAndColumn(text, position)}`)
  }
}

/** Like readJsonBody, but the value must be a JSON object (a record or a request body). */
export function readJsonObject(body: unknown): Record<string, unknown> {
  const value = readJsonBody(body)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const token = Array.isArray(value)
      ? 'START_ARRAY'
      : `VALUE_${typeof value === 'string' ? 'STRING' : 'NUMBER'}`
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of object from ${token} value at [line:1, column:1]`,
    )
  }
  return value as Record<string, unknown>
}
