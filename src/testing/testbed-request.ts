// bed.request: one HTTP call to the testbed's services server with fetch, the channel's API key
// and a JSON body added for the caller.

/** Options of `bed.request`. */
export interface TestbedRequestOptions {
  /** A JSON body: serialised, with `Content-Type: application/json`. */
  json?: unknown
  /** A raw body, sent as given (set its `Content-Type` in `headers`). */
  body?: string | Uint8Array
  /** More headers; they win over the ones the testbed adds. */
  headers?: Record<string, string>
  /**
   * Send the testbed's API key as `X-API-Key`. Default true; false calls as a caller without
   * credentials would (a secured channel answers 401).
   */
  auth?: boolean
  /** Aborts the call. */
  signal?: AbortSignal
}

export async function testbedRequest(
  base: string,
  apiKey: string,
  method: string,
  path: string,
  options: TestbedRequestOptions = {},
): Promise<Response> {
  if (!path.startsWith('/')) {
    throw new TypeError(`bed.request: the path '${path}' must start with /, e.g. /api/campaigns`)
  }
  const headers: Record<string, string> = {}
  if (options.auth !== false) headers['x-api-key'] = apiKey
  let body: string | Uint8Array | undefined = options.body
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  for (const [name, value] of Object.entries(options.headers ?? {}))
    headers[name.toLowerCase()] = value
  return fetch(base + path, {
    method: method.toUpperCase(),
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
}
