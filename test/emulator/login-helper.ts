// Shared by the emulator tests: the demo org's credentials and a password login over HTTP.

export const DEMO = {
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}

export interface TokenBody {
  access_token: string
  instance_url: string
  id: string
  token_type: string
  issued_at: string
  signature: string
  scope: string
  refresh_token?: string
}

export async function passwordLogin(url: string): Promise<TokenBody> {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    }),
  })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as TokenBody
}

/** A fetch bound to an emulator session, answering status, headers and the parsed body. */
export function apiClient(url: string, token: string, version = '62.0') {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const full = path.startsWith('/services/') ? path : `/services/data/v${version}${path}`
    const res = await fetch(url + full, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    const type = res.headers.get('content-type') ?? ''
    return {
      status: res.status,
      headers: res.headers,
      body: text !== '' && type.includes('json') ? (JSON.parse(text) as unknown) : text,
    }
  }
}
