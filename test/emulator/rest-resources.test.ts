// REST resources beyond records, over plain HTTP: record counts, recent items, replication
// (updated/deleted with Salesforce's date rules), describe, compact and approval layouts,
// list views and their results, quick actions, tabs, theme, and processes from the org file.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { defaultOrg } from '../../src/emulator/org/default-org.js'
import { apiClient, passwordLogin } from './login-helper.js'

let emu: EmulatorHandle
let api: ReturnType<typeof apiClient>
let clock = new Date('2026-03-10T12:00:30.000Z')
const at = (iso: string) => (clock = new Date(iso))

type Body = Record<string, unknown>
const created = async (type: string, fields: Body): Promise<string> => {
  const res = await api('POST', `/sobjects/${type}`, fields)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return (res.body as { id: string }).id
}

beforeAll(async () => {
  emu = await startEmulator({
    clock: () => clock,
    org: {
      ...defaultOrg,
      processRules: [
        {
          object: 'Account',
          name: 'Set rating',
          actions: [{ name: 'Rating to Hot', type: 'FieldUpdate' }],
        },
        { object: 'Account', name: 'Inactive rule', active: false },
      ],
      approvalProcesses: [{ object: 'Opportunity', name: 'Big_Deals', description: 'Over 1M' }],
    },
  })
  api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token, '62.0')
})
afterAll(() => emu.close())

describe('record counts and recent items', () => {
  it('counts live records per object for /limits/recordCount', async () => {
    await created('Account', { Name: 'Count A' })
    const gone = await created('Account', { Name: 'Count B' })
    await api('DELETE', `/sobjects/Account/${gone}`)
    await created('Contact', { LastName: 'Count' })
    const res = await api('GET', '/limits/recordCount?sObjects=Account,Contact,Lead')
    expect(res.status).toBe(200)
    const counts = (res.body as { sObjects: { name: string; count: number }[] }).sObjects
    expect(counts).toEqual([
      { count: 1, name: 'Account' },
      { count: 1, name: 'Contact' },
      { count: 0, name: 'Lead' },
    ])
    const all = (await api('GET', '/limits/recordCount')).body as { sObjects: { name: string }[] }
    expect(all.sObjects.map((s) => s.name)).toEqual(expect.arrayContaining(['Account', 'User']))
  })

  it('lists the records the user retrieved, most recent first, in /recent', async () => {
    const a = await created('Account', { Name: 'Seen First' })
    const b = await created('Lead', { LastName: 'Seen', Company: 'Second' })
    await api('GET', `/sobjects/Account/${a}`)
    await api('GET', `/sobjects/Lead/${b}`)
    const res = await api('GET', '/recent?limit=2')
    expect(res.body).toEqual([
      {
        attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${b}` },
        Id: b,
        Name: 'Seen',
      },
      {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${a}` },
        Id: a,
        Name: 'Seen First',
      },
    ])
    const info = (await api('GET', '/sobjects/Account')).body as { recentItems: Body[] }
    expect(info.recentItems.map((r) => r.Id)).toEqual([a])
  })
})

describe('updated and deleted records', () => {
  it('answers the ids changed and deleted in the window, to the minute', async () => {
    at('2026-03-10T13:00:10.000Z')
    const kept = await created('Case', { Subject: 'kept' })
    const removed = await created('Case', { Subject: 'removed' })
    at('2026-03-10T13:05:20.000Z')
    await api('DELETE', `/sobjects/Case/${removed}`)
    at('2026-03-10T13:20:00.000Z')
    const range = 'start=2026-03-10T13:00:00%2B00:00&end=2026-03-10T13:10:45Z'
    const updated = await api('GET', `/sobjects/Case/updated?${range}`)
    expect(updated.status).toBe(200)
    expect(updated.body).toEqual({ ids: [kept], latestDateCovered: '2026-03-10T13:10:00.000+0000' })
    const deleted = await api('GET', `/sobjects/Case/deleted?${range}`)
    expect(deleted.body).toEqual({
      deletedRecords: [{ id: removed, deletedDate: '2026-03-10T13:05:20.000+0000' }],
      earliestDateAvailable: '2026-02-23T13:20:00.000+0000',
      latestDateCovered: '2026-03-10T13:10:00.000+0000',
    })
    // A `+` left unencoded in the query string arrives as a space; it still reads.
    const plain = await api(
      'GET',
      '/sobjects/Case/updated?start=2026-03-10T13:00:00+00:00&end=2026-03-10T13:02:00+00:00',
    )
    expect(plain.body).toEqual({ ids: [kept], latestDateCovered: '2026-03-10T13:02:00.000+0000' })
  })

  it('refuses windows Salesforce refuses', async () => {
    at('2026-03-10T14:00:00.000Z')
    const cases: [string, number, string][] = [
      ['start=2026-03-10T13:10:00Z&end=2026-03-10T13:00:00Z', 400, 'INVALID_REPLICATION_DATE'],
      ['start=2026-03-10T13:00:10Z&end=2026-03-10T13:00:50Z', 400, 'INVALID_REPLICATION_DATE'],
      ['start=2026-01-01T00:00:00Z&end=2026-03-10T13:00:00Z', 400, 'INVALID_REPLICATION_DATE'],
      ['end=2026-03-10T13:00:00Z', 400, 'MISSING_ARGUMENT'],
      ['start=yesterday&end=2026-03-10T13:00:00Z', 400, 'INVALID_DATE_FORMAT'],
    ]
    for (const [q, status, code] of cases) {
      for (const kind of ['updated', 'deleted']) {
        const res = await api('GET', `/sobjects/Account/${kind}?${q}`)
        expect(res.status, `${kind}?${q}`).toBe(status)
        expect((res.body as { errorCode: string }[])[0]?.errorCode, q).toBe(code)
      }
    }
    expect((await api('GET', '/sobjects/Nope__c/updated?start=a&end=b')).status).toBe(404)
  })
})

describe('layouts', () => {
  it('describes the page layout with sections, items and record type mappings', async () => {
    const res = await api('GET', '/sobjects/Account/describe/layouts')
    expect(res.status).toBe(200)
    const body = res.body as {
      layouts: {
        id: string
        detailLayoutSections: {
          heading: string
          layoutRows: { layoutItems: { label: string; layoutComponents: { value: string }[] }[] }[]
        }[]
        relatedLists: { name: string }[]
      }[]
      recordTypeMappings: { recordTypeId: string; layoutId: string; master: boolean }[]
    }
    const layout = body.layouts[0]!
    expect(layout.detailLayoutSections.map((s) => s.heading)).toEqual([
      'Account Information',
      'System Information',
    ])
    const values = layout.detailLayoutSections[0]!.layoutRows.flatMap((r) =>
      r.layoutItems.flatMap((i) => i.layoutComponents.map((c) => c.value)),
    )
    expect(values).toEqual(expect.arrayContaining(['Name', 'BillingAddress', 'Sic', 'Industry']))
    expect(values).not.toContain('BillingCity')
    expect(layout.relatedLists.map((r) => r.name)).toEqual(expect.arrayContaining(['Contacts']))
    expect(body.recordTypeMappings).toEqual([
      expect.objectContaining({
        recordTypeId: '012000000000000AAA',
        layoutId: layout.id,
        master: true,
      }),
    ])
    const one = await api('GET', '/sobjects/Account/describe/layouts/012000000000000AAA')
    expect((one.body as { id: string }).id).toBe(layout.id)
    expect((await api('GET', '/sobjects/Account/describe/layouts/012000000000001AAA')).status).toBe(
      404,
    )
  })

  it('describes compact layouts for one object and for several', async () => {
    const res = await api('GET', '/sobjects/Contact/describe/compactLayouts')
    const body = res.body as {
      compactLayouts: { name: string; fieldItems: { label: string }[] }[]
      defaultCompactLayoutId: string
    }
    expect(body.compactLayouts[0]?.name).toBe('SYSTEM')
    expect(body.compactLayouts[0]?.fieldItems.map((f) => f.label)).toEqual([
      'Full Name',
      'Title',
      'Account ID',
      'Business Phone',
      'Email',
    ])
    const primary = await api('GET', '/sobjects/Contact/describe/compactLayouts/primary')
    expect((primary.body as { id: string }).id).toBe(body.defaultCompactLayoutId)
    const many = await api('GET', '/compactLayouts?q=Account,Case')
    expect(Object.keys(many.body as Body)).toEqual(['Account', 'Case'])
  })

  it('lists an approval layout per approval process of the object', async () => {
    const opp = await api('GET', '/sobjects/Opportunity/describe/approvalLayouts')
    const layouts = (opp.body as { approvalLayouts: { name: string }[] }).approvalLayouts
    expect(layouts.map((l) => l.name)).toEqual(['Big_Deals'])
    const acc = await api('GET', '/sobjects/Account/describe/approvalLayouts')
    expect(acc.body).toEqual({ approvalLayouts: [] })
  })
})

describe('list views', () => {
  it('lists the standard views, describes one and pages its results', async () => {
    for (const n of ['LV 1', 'LV 2', 'LV 3']) await created('Campaign', { Name: n })
    const list = await api('GET', '/sobjects/Campaign/listviews')
    const views = list.body as {
      listviews: { developerName: string; id: string; resultsUrl: string }[]
      size: number
    }
    expect(views.listviews.map((v) => v.developerName)).toEqual([
      'AllCampaigns',
      'MyCampaigns',
      'RecentlyViewedCampaigns',
    ])
    const all = views.listviews[0]!
    const describeRes = await api('GET', `/sobjects/Campaign/listviews/${all.id}/describe`)
    const d = describeRes.body as {
      query: string
      columns: { fieldNameOrPath: string; hidden: boolean }[]
      scope: string
    }
    expect(d.scope).toBe('everything')
    expect(d.query).toMatch(
      /^SELECT Name, Status, StartDate, Type, Id, .* FROM Campaign ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST$/,
    )
    // The view's SOQL runs as is.
    expect((await api('GET', `/query?q=${encodeURIComponent(d.query)}`)).status).toBe(200)
    const page = await api(
      'GET',
      `${all.resultsUrl.replace('/services/data/v62.0', '')}?limit=2&offset=1`,
    )
    const results = page.body as {
      size: number
      done: boolean
      records: { columns: { fieldNameOrPath: string; value: string | null }[] }[]
    }
    expect(results.size).toBe(3)
    expect(results.done).toBe(true)
    expect(
      results.records.map((r) => r.columns.find((c) => c.fieldNameOrPath === 'Name')?.value),
    ).toEqual(['LV 2', 'LV 3'])
    const byName = await api('GET', '/sobjects/Campaign/listviews/AllCampaigns')
    expect((byName.body as { id: string }).id).toBe(all.id)
  })
})

describe('quick actions, tabs and theme', () => {
  it('lists and describes quick actions and creates the record when one is invoked', async () => {
    const global = (await api('GET', '/quickActions')).body as { name: string }[]
    expect(global.map((a) => a.name)).toEqual(expect.arrayContaining(['NewAccount', 'LogACall']))
    const onAccount = (await api('GET', '/sobjects/Account/quickActions')).body as {
      name: string
    }[]
    expect(onAccount.map((a) => a.name)).toEqual(
      expect.arrayContaining(['Account.NewContact', 'Account.LogACall', 'Account.NewTask']),
    )
    const d = await api('GET', '/sobjects/Account/quickActions/NewContact/describe')
    expect(d.body).toMatchObject({
      targetSobjectType: 'Contact',
      targetParentField: 'AccountId',
      type: 'Create',
    })
    const account = await created('Account', { Name: 'Action Co' })
    const res = await api('POST', '/sobjects/Account/quickActions/NewContact', {
      contextId: account,
      record: { LastName: 'Quick' },
    })
    expect(res.status).toBe(201)
    const id = (res.body as { id: string }).id
    const contact = (await api('GET', `/sobjects/Contact/${id}?fields=AccountId`)).body as Body
    expect(contact.AccountId).toBe(account)
    expect((await api('GET', '/sobjects/Account/quickActions/Nope/describe')).status).toBe(404)
  })

  it('lists tabs for standard objects and custom objects, and a theme item per object', async () => {
    const tabs = (await api('GET', '/tabs')).body as {
      name: string
      sobjectName: string
      custom: boolean
    }[]
    expect(tabs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'standard-Account',
          sobjectName: 'Account',
          custom: false,
        }),
        expect.objectContaining({ name: 'Invoice__c', custom: true }),
      ]),
    )
    const theme = (await api('GET', '/theme')).body as {
      themeItems: { name: string; colors: unknown[] }[]
    }
    expect(theme.themeItems.find((t) => t.name === 'Account')?.colors.length).toBeGreaterThan(0)
  })
})

describe('processes', () => {
  it('lists active workflow rules from the org file and triggers them', async () => {
    const res = await api('GET', '/process/rules')
    const rules = (
      res.body as {
        rules: Record<string, { name: string; id: string; actions: { type: string }[] }[]>
      }
    ).rules
    expect(Object.keys(rules)).toEqual(['Account'])
    expect(rules.Account!.map((r) => r.name)).toEqual(['Set rating'])
    expect(rules.Account![0]!.actions[0]!.type).toBe('FieldUpdate')
    const one = await api('GET', `/process/rules/Account/${rules.Account![0]!.id}`)
    expect((one.body as { name: string }).name).toBe('Set rating')
    const account = await created('Account', { Name: 'Rule Co' })
    const fire = await api('POST', '/process/rules', { contextIds: [account] })
    expect(fire.body).toEqual({ errors: null, success: true })
  })

  it('lists approval processes and runs submit then approve', async () => {
    const list = (await api('GET', '/process/approvals')).body as {
      approvals: Record<string, { name: string }[]>
    }
    expect(list.approvals.Opportunity?.map((p) => p.name)).toEqual(['Big_Deals'])
    const opp = await created('Opportunity', {
      Name: 'Deal',
      StageName: 'Prospecting',
      CloseDate: '2026-06-30',
    })
    const submit = await api('POST', '/process/approvals', {
      requests: [{ actionType: 'Submit', contextId: opp, comments: 'please' }],
    })
    const [result] = submit.body as {
      instanceStatus: string
      newWorkitemIds: string[]
      entityId: string
    }[]
    expect(result).toMatchObject({ instanceStatus: 'Pending', entityId: opp })
    const approve = await api('POST', '/process/approvals', {
      requests: [{ actionType: 'Approve', contextId: result!.newWorkitemIds[0] }],
    })
    expect((approve.body as { instanceStatus: string }[])[0]?.instanceStatus).toBe('Approved')
    const account = await created('Account', { Name: 'No Process' })
    const none = await api('POST', '/process/approvals', {
      requests: [{ actionType: 'Submit', contextId: account }],
    })
    expect(none.status).toBe(400)
    expect((none.body as { errorCode: string }[])[0]?.errorCode).toBe('NO_APPLICABLE_PROCESS')
  })
})
