// What a composite or bulk handler answers, independent of the HTTP framework, so the same
// logic serves a route and a composite subrequest.

export interface Reply {
  status: number
  body: unknown
  headers?: Record<string, string>
}
