// Turns a route into one seeded, mostly malformed request: the path respelled (doubled slashes,
// dot segments, percent-encodings, overlong and invalid escapes, raw unicode, very long), the
// headers altered (missing, duplicated, huge, a wrong Content-Type or Content-Length) and the
// body broken (bad JSON, deep nesting, huge numbers, wrong types, invalid UTF-8, __proto__).
import type { SeededRandom } from '../suite/seeded-random.js'
import type { RawRequest } from './raw-request.js'
import type { Route } from './fuzz-routes.js'

/** What a request may present: the right credentials, or a fuzzed version of them. */
export interface FuzzCredentials {
  apiKey: string
  basic: string
  jwt: string
  /** The admin session cookie and its CSRF token. */
  adminCookie: string
  csrf: string
  /** An emulator access token. */
  session: string
}

const EXTRA_METHODS = ['HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'get', 'FOO', 'CONNECT']

function respell(r: SeededRandom, path: string): string {
  const [p, q] = path.split('?') as [string, string | undefined]
  const i = r.int(p.length)
  let out: string
  switch (r.int(16)) {
    case 0:
      out = `/${p}`
      break
    case 1:
      out = p.replace(/\//g, () => (r.chance(0.3) ? '//' : '/'))
      break
    case 2:
      out = `${p.slice(0, i)}/./${p.slice(i)}`
      break
    case 3:
      out = `${p}/zz/..`
      break
    case 4:
      out = `/..${p}`
      break
    case 5:
      out = `${p.slice(0, i)}%${r.int(256).toString(16).padStart(2, '0')}${p.slice(i)}`
      break
    case 6:
      out = `${p}${r.pick(['%', '%G1', '%C0%AE', '%E0%80%AF', '%00', '%2F', '%2e%2e', '%FF', '%uFFFF', '%25'])}`
      break
    case 7:
      out = `${p}/${'a'.repeat(r.pick([300, 5000, 70_000]))}`
      break
    case 8:
      out = `${p}/${r.pick(['é', '日本', '\u{1F600}', '\u202E', 'Ω'])}`
      break
    case 9:
      out = `${p}?${'x=1&'.repeat(r.pick([10, 2000]))}`
      break
    case 10:
      out = `${p}?q=${r.pick(['%', '%ZZ', 'SELECT+%27', '\u00ff', '%00'])}`
      break
    case 11:
      out = p.toUpperCase()
      break
    case 12:
      out = `${p}#frag`
      break
    case 13:
      out = r.pick(['*', 'http://evil.example/x', '//evil.example' + p, p.replace(/^\//, '')])
      break
    case 14:
      out = `${p.slice(0, i)}\u0000${p.slice(i)}`
      break
    default:
      out = p
  }
  return q !== undefined && !out.includes('?') ? `${out}?${q}` : out
}

function deep(r: SeededRandom): string {
  const n = r.pick([100, 1000, 50_000])
  return r.chance(0.5)
    ? `${'['.repeat(n)}${']'.repeat(n)}`
    : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`
}

function jsonBody(r: SeededRandom, route: Route): Buffer {
  const good = route.path.includes('invoices')
    ? { number: `FZ-${r.int(50)}`, amount: r.int(1000) }
    : { name: 'fuzz', n: 1, Name: 'Fuzz Co' }
  const pieces: (() => string | Buffer)[] = [
    () => JSON.stringify(good),
    () => '',
    () => '{',
    () => '{"name": "x",}',
    () => "{'name': 'x'}",
    () => 'null',
    () => r.pick(['[]', '1', '"s"', 'true', '{}']),
    () => deep(r),
    () =>
      `{"name":"x","n":${r.pick(['1e400', '-1e400', '123456789012345678901234567890', 'NaN', '0x10', '1.7976931348623157e309'])}}`,
    () =>
      `{"number":${r.pick(['1', 'null', '[]', '{}', 'true'])},"amount":"${r.pick(['x', '1', ''])}"}`,
    () => JSON.stringify({ name: 'x'.repeat(r.pick([201, 100_000])) }),
    () =>
      Buffer.concat([
        Buffer.from('{"name":"'),
        Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
        Buffer.from('"}'),
      ]),
    () => '{"__proto__":{"isAdmin":true},"name":"x"}',
    () => '{"constructor":{"prototype":{"polluted":1}},"name":"x"}',
    () =>
      `{"name":"a\\u0000b","tags":${JSON.stringify(Array.from({ length: r.pick([3, 5000]) }, () => 't'))}}`,
    () => `{"name":"\\ud800"}`,
    () =>
      JSON.stringify({
        records: [{ attributes: { type: 'Account' }, Name: 'x' }],
        allOrNone: 'yes',
      }),
    () =>
      JSON.stringify({
        compositeRequest: [{ method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'r' }],
      }),
    () =>
      JSON.stringify({
        object: 'Account',
        operation: r.pick(['insert', 'upsert', 'bogus']),
        externalIdFieldName: 1,
      }),
    () => JSON.stringify({ state: r.pick(['UploadComplete', 'Aborted', 'Bogus', 1]) }),
    () =>
      JSON.stringify({
        name: 'fuzz-conn',
        loginUrl: r.pick(['http://127.0.0.1:1', 'ftp://x', '']),
        authFlow: r.pick(['password', 'x']),
      }),
    () =>
      JSON.stringify({
        method: 'POST',
        path: r.pick(['/api/x', '', '../..']),
        service: 'fuzz.echo',
        securityDefinitionId: 'x',
      }),
    () =>
      JSON.stringify({
        kind: r.pick(['apiKey', 'basic', 'jwt', 'x']),
        name: 'n',
        algorithm: 'none',
      }),
    () => JSON.stringify({ name: r.pick(['admin', 'x', '']), password: r.pick(['wrong', '', 1]) }),
    () => JSON.stringify({ input: { name: 'x' } }),
  ]
  const out = r.pick(pieces)()
  return typeof out === 'string' ? Buffer.from(out) : out
}

function body(r: SeededRandom, route: Route): Buffer {
  const kind = r.chance(0.15) ? r.pick(['json', 'form', 'soap', 'csv', 'xml'] as const) : route.body
  switch (kind) {
    case 'json':
      return jsonBody(r, route)
    case 'form':
      return Buffer.from(
        r.pick([
          'grant_type=password&client_id=3MVG9forcebridge.demo.consumer.key&username=my.user%40example.com&password=bad',
          'grant_type=refresh_token&refresh_token=%ZZ',
          'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c',
          'grant_type=client_credentials&client_id=x&client_secret=y',
          'grant_type=authorization_code&code=x&redirect_uri=http://127.0.0.1/cb&code_verifier=',
          'token=abc&token_type_hint=access_token',
          'a=1&a=2&a[]=3&__proto__[x]=1',
          `name=admin&password=${'x'.repeat(r.pick([5, 100_000]))}`,
          '%%%=&&==',
          '',
        ]),
      )
    case 'soap': {
      const call = r.pick([
        '<login><username>my.user@example.com</username><password>nope</password></login>',
        '<query><queryString>SELECT Id FROM Account</queryString></query>',
        '<create><sObjects><type>Account</type><Name>x</Name></sObjects></create>',
        '<getUserInfo/>',
        '<bogus/>',
        '',
      ])
      return Buffer.from(
        r.pick([
          `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Header><SessionHeader><sessionId>bad</sessionId></SessionHeader></soapenv:Header><soapenv:Body>${call}</soapenv:Body></soapenv:Envelope>`,
          '<soapenv:Envelope>',
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "aaaaaaaaaa"><!ENTITY f "&e;&e;&e;&e;&e;">]><x>&f;</x>',
          `<a>${'<b>'.repeat(10_000)}`,
          'not xml at all',
        ]),
      )
    }
    case 'csv':
      return Buffer.from(
        r.pick(['Name\nAcme\n', 'Name,Bogus__c\n"unterminated\n', '\n\n', 'a,b\n1\n1,2,3\n', '']),
      )
    case 'xml':
      return Buffer.from(
        r.pick([
          '<?xml version="1.0"?><jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload"><operation>insert</operation><object>Account</object><contentType>CSV</contentType></jobInfo>',
          '<jobInfo><operation>',
          '<jobInfo><state>Closed</state></jobInfo>',
        ]),
      )
    default:
      return r.chance(0.7) ? Buffer.alloc(0) : jsonBody(r, route)
  }
}

function contentType(route: Route): string {
  switch (route.body) {
    case 'form':
      return 'application/x-www-form-urlencoded'
    case 'soap':
      return 'text/xml; charset=utf-8'
    case 'csv':
      return 'text/csv'
    case 'xml':
      return 'application/xml'
    default:
      return 'application/json'
  }
}

function credentials(route: Route, c: FuzzCredentials, method: string): [string, string][] {
  switch (route.auth) {
    case 'apiKey':
      return [['X-API-Key', c.apiKey]]
    case 'basic':
      return [['Authorization', c.basic]]
    case 'jwt':
      return [['Authorization', c.jwt]]
    case 'admin':
      return [
        ['Cookie', c.adminCookie],
        ...(method === 'GET' ? [] : [['X-CSRF-Token', c.csrf] as [string, string]]),
      ]
    case 'session':
      return [
        ['Authorization', `Bearer ${c.session}`],
        ['X-SFDC-Session', c.session],
      ]
    default:
      return []
  }
}

/** A fuzzed version of a credential header: wrong, truncated, in another scheme, or huge. */
function spoil(r: SeededRandom, [k, v]: [string, string]): [string, string] {
  return [
    k,
    r.pick([
      v.slice(0, -1),
      `${v}x`,
      'Bearer',
      'Basic ',
      'Basic !!!',
      'Bearer a.b.c',
      `Bearer ${'A'.repeat(9000)}`,
      'Basic Og==',
      `${v}\t`,
      v.toLowerCase(),
    ]),
  ]
}

export function fuzzRequest(
  r: SeededRandom,
  route: Route,
  creds: FuzzCredentials,
  host: string,
): RawRequest {
  const method = r.chance(0.08) ? r.pick(EXTRA_METHODS) : r.pick(route.methods)
  const path = r.chance(0.45) ? respell(r, route.path) : route.path
  let payload = method === 'GET' && r.chance(0.8) ? Buffer.alloc(0) : body(r, route)
  let headers: [string, string][] = [
    ['Host', host],
    ['Connection', 'close'],
  ]
  let creds0 = credentials(route, creds, method)
  if (creds0.length > 0 && r.chance(0.2))
    creds0 = creds0.map((h) => (r.chance(0.6) ? spoil(r, h) : h))
  if (creds0.length > 0 && r.chance(0.05)) creds0 = []
  headers.push(...creds0)
  if (payload.length > 0 || r.chance(0.3)) {
    const ct = r.chance(0.8)
      ? contentType(route)
      : r.pick([
          'text/plain',
          'application/json; charset=utf-16',
          'multipart/form-data',
          'application/json;;;',
          '*/*',
          'application/x-www-form-urlencoded',
          'application/json, text/xml',
          'application/\u00ff',
          '',
        ])
    headers.push(['Content-Type', ct])
  }
  let length = String(payload.length)
  switch (r.int(14)) {
    case 0:
      headers = headers.filter(([k]) => k !== 'Host')
      break
    case 1:
      headers.push(['Content-Type', r.pick(['text/xml', 'application/json'])])
      break
    case 2:
      headers.push(['X-Fuzz', 'x'.repeat(r.pick([9000, 20_000, 70_000]))])
      break
    case 3:
      length = r.pick([
        '-1',
        'abc',
        '1e3',
        `${payload.length + 50}`,
        '99999999999999999999',
        ` ${payload.length}`,
      ])
      break
    case 4:
      headers.push(['Content-Length', String(payload.length)])
      headers.push(['Content-Length', String(payload.length + 1)])
      break
    case 5:
      headers.push(['Transfer-Encoding', r.pick(['chunked', 'gzip', 'chunked, identity'])])
      break
    case 6:
      headers.push(['Content-Encoding', r.pick(['gzip', 'deflate', 'br', 'bogus'])])
      break
    case 7:
      headers.push([
        'Prefer',
        r.pick(['respond-async', 'respond-async, wait=999999', 'return=minimal', '\u00ff']),
      ])
      break
    case 8:
      headers.push([
        'Accept',
        r.pick(['application/xml', 'text/csv', '*/*;q=bogus', '', 'application/json']),
      ])
      break
    case 9:
      headers.push([
        'Cookie',
        r.pick(['fb_admin_session=; fb_admin_session=x', `a=${'b'.repeat(5000)}`, '=;=;']),
      ])
      break
    case 10:
      headers.push(['X-Forwarded-For', r.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1'])])
      headers.push(['X-Forwarded-Host', 'evil.example'])
      break
    case 11:
      headers.push(['Sforce-Query-Options', r.pick(['batchSize=1', 'batchSize=-5', 'x'])])
      break
    case 12:
      payload = Buffer.concat([payload, Buffer.from('\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n')])
      length = String(payload.length)
      break
    default:
  }
  if (!headers.some(([k]) => k === 'Transfer-Encoding') || r.chance(0.5))
    headers.push(['Content-Length', length])
  return { method, path, headers, body: payload }
}
