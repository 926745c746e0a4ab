// Admin API calls over real HTTP for the tests: any method with a JSON body, answers parsed
// when they are JSON, and a signed-in caller that sends the session cookie and CSRF token.
/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers under test are checked by the assertions */
import { ADMIN } from './admin-fixture.js'

export interface Answer {
  status: number
  body: any
  headers: Headers
}

export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    redirect: 'manual',
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // HTML pages stay text.
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

export type AdminCaller = (method: string, path: string, body?: unknown) => Promise<Answer>

/** Signs in as the fixture's admin and answers a caller that acts as that dashboard session. */
export async function signedIn(baseUrl: string): Promise<AdminCaller> {
  const res = await callApi(baseUrl, 'POST', '/admin/api/session', ADMIN)
  if (res.status !== 200)
    throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const csrf = String((res.body as { csrfToken?: unknown }).csrfToken)
  return (method, path, body) =>
    callApi(baseUrl, method, path, body, { cookie, 'x-csrf-token': csrf })
}
