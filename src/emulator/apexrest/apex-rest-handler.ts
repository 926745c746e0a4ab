// The contract of an Apex REST handler module named in the org file: it receives the request
// as Apex's RestContext would show it and answers a status and a body.

/** What a handler receives. */
export interface ApexRestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The path under `/services/apexrest`, e.g. `/Orders/42` (Apex's `requestURI`). */
  path: string
  /** Values of the pattern's `:name` segments; `*` is under the key `*`. */
  params: Record<string, string>
  /** Query parameters (the last value of a repeated one). */
  query: Record<string, string>
  /** The JSON body parsed, the raw text for other content types, undefined when empty. */
  body: unknown
  headers: Record<string, string>
  /** The user the session runs as. */
  user: { id: string; username: string; orgId: string }
}

/** What a handler returns: a status (default 200, or 204 with no body) and a JSON body. */
export interface ApexRestResponse {
  status?: number
  /** Serialised as JSON, as Apex serialises a method's return value. */
  body?: unknown
  headers?: Record<string, string>
}

/**
 * A handler module's export.
 * @example export default (req: ApexRestRequest): ApexRestResponse => ({ body: { id: req.params.id } })
 */
export type ApexRestHandler = (
  request: ApexRestRequest,
) => ApexRestResponse | Promise<ApexRestResponse>
