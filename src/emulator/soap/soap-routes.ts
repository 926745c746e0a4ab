// The SOAP partner API at `/services/Soap/u/NN.0`: login (password plus security token),
// logout, getUserInfo, getServerTimestamp, describeGlobal, describeSObject(s), query, queryAll
// and queryMore, create, update, upsert and delete, with faults (HTTP 500) as Salesforce sends them. A SOAP session is an
// ordinary session: its id works as a REST bearer token and the other way round.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../model/index.js'
import { ipTrusted } from '../oauth/password-grant.js'
import { recordLogin } from '../oauth/token-response.js'
import { formatDateTime } from '../org/sf-datetime.js'
import type { EmulatorContext, Session } from '../server/emulator-context.js'
import type { EmulatorState, UserAccount } from '../server/emulator-state.js'
import { SoapFault, el, soapResponse } from './soap-envelope.js'
import { queryResultXml, saveResultXml } from './soap-records.js'
import { describeGlobalXml, describeSObjectXml, invalidSObjectFault } from './soap-describe.js'
import { child, isNil, readXml, type XmlElement } from './xml-reader.js'

const XML_TYPE = 'text/xml; charset=utf-8'

const invalidLogin = () =>
  new SoapFault(
    'INVALID_LOGIN',
    'Invalid username, password, security token; or user locked out.',
    'LoginFault',
  )

interface Call {
  op: XmlElement
  header: XmlElement | undefined
  version: string
  request: FastifyRequest
}

/** The fields of an `sObjects` element: `type`, values, and `fieldsToNull`. */
function recordFields(sobject: XmlElement): { type: string; fields: Record<string, unknown> } {
  let type = ''
  const fields: Record<string, unknown> = {}
  for (const c of sobject.children) {
    if (c.name === 'type') type = c.text.trim()
    else if (c.name === 'fieldsToNull') fields[c.text.trim()] = null
    else if (c.name !== 'Id' || c.text.trim() !== '') fields[c.name] = isNil(c) ? null : c.text
  }
  return { type, fields }
}

export function registerSoapRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  ctx: EmulatorContext,
): void {
  const sessionOf = (call: Call): Session => {
    const token = child(child(call.header, 'SessionHeader'), 'sessionId')?.text.trim() ?? ''
    const session = state.sessions.use(token)
    if (!session) {
      throw new SoapFault(
        'INVALID_SESSION_ID',
        'Invalid Session ID found in SessionHeader: Illegal Session',
      )
    }
    // Every call but login counts against the org's API requests, as REST calls do.
    state.limits.count(1)
    return session
  }
  const serverUrl = (version: string) =>
    `${state.instanceUrl()}/services/Soap/u/${version}/${state.orgId.slice(0, 15)}`

  const userInfoXml = (user: UserAccount) => {
    const row = state.store.getRow('User', user.id)
    return [
      el('accessibilityMode', false),
      el('chatterExternal', false),
      el('currencySymbol', '$'),
      el('orgAttachmentFileSizeLimit', 5242880),
      el('orgDefaultCurrencyIsoCode', 'USD'),
      el('orgDefaultCurrencyLocale', 'en_US'),
      el('orgDisallowHtmlAttachments', false),
      el('orgHasPersonAccounts', false),
      el('organizationId', state.orgId),
      el('organizationMultiCurrency', false),
      el('organizationName', state.config.name),
      el('profileId', row?.ProfileId ?? null),
      el('roleId', row?.UserRoleId ?? null),
      el('sessionSecondsValid', state.config.settings.sessionTimeoutMinutes * 60),
      el('userDefaultCurrencyIsoCode', null),
      el('userEmail', row?.Email ?? user.email ?? user.username),
      el('userFullName', row?.Name ?? user.lastName),
      el('userId', user.id),
      el('userLanguage', row?.LanguageLocaleKey ?? 'en_US'),
      el('userLocale', row?.LocaleSidKey ?? 'en_US'),
      el('userName', user.username),
      el('userTimeZone', row?.TimeZoneSidKey ?? 'America/Los_Angeles'),
      el('userType', 'Standard'),
      el('userUiSkin', 'Theme3'),
    ].join('')
  }

  const login = (call: Call): string => {
    const username = child(call.op, 'username')?.text.trim()
    const given = child(call.op, 'password')?.text ?? ''
    const user = username === undefined ? undefined : state.users.get(username.toLowerCase())
    if (!user) throw invalidLogin()
    const trusted = ipTrusted(call.request.ip, state.config.settings.trustedIpRanges)
    const ok = given === user.password + user.securityToken || (trusted && given === user.password)
    if (!ok) throw invalidLogin()
    if (!user.active)
      throw new SoapFault(
        'INVALID_LOGIN',
        'Invalid username, password, security token; or user locked out.',
        'LoginFault',
      )
    try {
      recordLogin(state, user)
    } catch {
      throw new SoapFault('LOGIN_RATE_EXCEEDED', 'Login rate exceeded.', 'LoginFault')
    }
    const session = state.sessions.issue(user, null)
    return soapResponse(
      'login',
      `<result>${el('metadataServerUrl', `${state.instanceUrl()}/services/Soap/m/${call.version}/${state.orgId.slice(0, 15)}`)}${el('passwordExpired', false)}${el('sandbox', false)}${el('serverUrl', serverUrl(call.version))}${el('sessionId', session.accessToken)}${el('userId', user.id)}<userInfo>${userInfoXml(user)}</userInfo></result>`,
    )
  }

  const save = (run: () => { id: string; created?: boolean }) => {
    try {
      const r = run()
      return saveResultXml(r.id, [], r.created)
    } catch (err) {
      if (err instanceof ApiError) return saveResultXml(null, err.errors)
      throw err
    }
  }

  const operations: Record<string, (call: Call) => string> = {
    login,
    logout: (call) => {
      const token = child(child(call.header, 'SessionHeader'), 'sessionId')?.text.trim() ?? ''
      sessionOf(call)
      state.sessions.revoke(token)
      return soapResponse('logout', '')
    },
    getUserInfo: (call) => {
      const session = sessionOf(call)
      const user = state.users.get(session.username.toLowerCase())!
      return soapResponse('getUserInfo', `<result>${userInfoXml(user)}</result>`)
    },
    getServerTimestamp: (call) => {
      sessionOf(call)
      return soapResponse(
        'getServerTimestamp',
        `<result>${el('timestamp', formatDateTime(state.now()))}</result>`,
      )
    },
    describeGlobal: (call) => {
      sessionOf(call)
      const xml = describeGlobalXml(state.store.objects(), call.version, state.instanceUrl())
      return soapResponse('describeGlobal', xml)
    },
    // describeSObject (one type, the older call) and describeSObjects (up to 100): a
    // DescribeSObjectResult per `sObjectType`, in the order asked; an unknown type faults all.
    describeSObject: (call) => describe(call),
    describeSObjects: (call) => describe(call),
    query: (call) => runQuery(call, false),
    queryAll: (call) => runQuery(call, true),
    create: (call) => {
      const session = sessionOf(call)
      const results = call.op.children
        .filter((c) => c.name === 'sObjects')
        .map((s) => {
          const { type, fields } = recordFields(s)
          return save(() => state.store.create(type, fields, { userId: session.userId }))
        })
      return soapResponse('create', results.join(''))
    },
    update: (call) => {
      const session = sessionOf(call)
      const results = call.op.children
        .filter((c) => c.name === 'sObjects')
        .map((s) => {
          const { type, fields } = recordFields(s)
          const id = child(s, 'Id')?.text.trim() ?? ''
          return save(() => state.store.update(type, id, fields, { userId: session.userId }))
        })
      return soapResponse('update', results.join(''))
    },
    upsert: (call) => {
      const session = sessionOf(call)
      const extField = child(call.op, 'externalIDFieldName')?.text.trim() ?? ''
      const results = call.op.children
        .filter((c) => c.name === 'sObjects')
        .map((s) => {
          const { type, fields } = recordFields(s)
          const value = Object.entries(fields).find(
            ([k]) => k.toLowerCase() === extField.toLowerCase(),
          )?.[1]
          return save(() => {
            const r = state.store.upsert(
              type,
              extField,
              typeof value === 'string' ? value : '',
              fields,
              {
                userId: session.userId,
              },
            )
            return { id: r.id, created: r.created ?? false }
          })
        })
      return soapResponse('upsert', results.join(''))
    },
    delete: (call) => {
      const session = sessionOf(call)
      const results = call.op.children
        .filter((c) => c.name === 'ids')
        .map((idEl) => {
          const id = idEl.text.trim()
          const obj = state.store.objectForId(id)
          return save(() => {
            if (!obj) throw new ApiError(400, 'INVALID_ID_FIELD', `invalid record id: ${id}`)
            return state.store.delete(obj.name, id, { userId: session.userId })
          })
        })
      return soapResponse('delete', results.join(''))
    },
  }

  const describe = (call: Call): string => {
    sessionOf(call)
    const names = call.op.children.filter((c) => c.name === 'sObjectType').map((c) => c.text.trim())
    if (names.length === 0 || (call.op.name === 'describeSObject' && names.length > 1)) {
      throw new SoapFault(
        'INVALID_REQUEST',
        `${call.op.name} needs ${call.op.name === 'describeSObject' ? 'one sObjectType' : 'one or more sObjectType elements'}`,
        'UnexpectedErrorFault',
        'soapenv:Client',
      )
    }
    if (names.length > 100) {
      throw new SoapFault(
        'EXCEEDED_MAX_TYPES_LIMIT',
        'Exceeded max types limit of 100 in describeSObjects()',
      )
    }
    const results = names.map((name) => {
      const obj = state.store.getObject(name)
      if (!obj) throw invalidSObjectFault(name)
      return describeSObjectXml(obj, call.version, state.instanceUrl())
    })
    return soapResponse(call.op.name, results.join(''))
  }

  /** QueryOptions batchSize: 500 by default, 200 to 2,000 (SOAP API guide). */
  const batchSize = (call: Call): number => {
    const raw = Number(child(child(call.header, 'QueryOptions'), 'batchSize')?.text)
    return Number.isFinite(raw) && raw > 0 ? Math.min(2000, Math.max(200, Math.trunc(raw))) : 500
  }

  const queryFault = (err: unknown): never => {
    if (err instanceof ApiError) {
      const code = err.errorCode
      const kind =
        code === 'INVALID_FIELD'
          ? 'InvalidFieldFault'
          : code === 'INVALID_TYPE'
            ? 'InvalidSObjectFault'
            : code === 'INVALID_QUERY_LOCATOR'
              ? 'InvalidQueryLocatorFault'
              : 'MalformedQueryFault'
      throw new SoapFault(code, err.message, kind)
    }
    throw err
  }

  function runQuery(call: Call, includeDeleted: boolean): string {
    sessionOf(call)
    const soql = child(call.op, 'queryString')?.text ?? ''
    try {
      const result = ctx.queryStream(soql, { includeDeleted, apiVersion: call.version })
      const page = state.locators.firstPage(result, batchSize(call), call.version)
      return soapResponse(
        call.op.name,
        `<result xsi:type="QueryResult">${queryResultXml(page as unknown as Record<string, unknown>)}</result>`,
      )
    } catch (err) {
      return queryFault(err)
    }
  }

  operations.queryMore = (call) => {
    sessionOf(call)
    const locator = child(call.op, 'queryLocator')?.text.trim() ?? ''
    try {
      const page = state.locators.next(locator, call.version)
      return soapResponse(
        'queryMore',
        `<result xsi:type="QueryResult">${queryResultXml(page as unknown as Record<string, unknown>)}</result>`,
      )
    } catch (err) {
      return queryFault(err)
    }
  }

  const handle = async (
    request: FastifyRequest<{ Params: { version: string } }>,
    reply: FastifyReply,
  ) => {
    const version = request.params.version
    // SOAP versions have no `v` (`/services/Soap/u/62.0`); anything else names no endpoint.
    if (!/^\d{1,2}\.0$/.test(version) || Number(version) < 20) {
      return reply
        .code(404)
        .send([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }])
    }
    try {
      let envelope: XmlElement
      try {
        envelope = readXml(typeof request.body === 'string' ? request.body : '')
      } catch (err) {
        throw new SoapFault(
          'INVALID_REQUEST',
          `The request is not XML: ${(err as Error).message}`,
          'UnexpectedErrorFault',
          'soapenv:Client',
        )
      }
      const body = child(envelope, 'Body')
      const op = body?.children[0]
      if (envelope.name !== 'Envelope' || !op) {
        throw new SoapFault(
          'INVALID_REQUEST',
          'Expected a SOAP Envelope with one operation in its Body',
          'UnexpectedErrorFault',
          'soapenv:Client',
        )
      }
      const run = operations[op.name]
      if (!run) {
        throw new SoapFault(
          'INVALID_OPERATION',
          `No operation available for request {urn:partner.soap.sforce.com}${op.name}`,
          'UnexpectedErrorFault',
          'soapenv:Client',
        )
      }
      const xml = run({ op, header: child(envelope, 'Header'), version, request })
      return reply.code(200).type(XML_TYPE).send(xml)
    } catch (err) {
      if (err instanceof SoapFault) return reply.code(500).type(XML_TYPE).send(err.toXml())
      throw err
    }
  }

  app.post<{ Params: { version: string } }>('/services/Soap/u/:version', handle)
  app.post<{ Params: { version: string; org: string } }>('/services/Soap/u/:version/:org', handle)
}
