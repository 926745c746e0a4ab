import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { loadOrg, parseOrg } from '../../src/emulator/index.js'
import { defaultOrg } from '../../src/emulator/org/default-org.js'
import { buildSchema } from '../../src/emulator/org/build-schema.js'

const demoPath = fileURLToPath(new URL('../../examples/demo-org.yaml', import.meta.url))

describe('org file', () => {
  it('loads examples/demo-org.yaml, identical to the built-in org', () => {
    expect(loadOrg(demoPath, {})).toEqual(parseOrg(defaultOrg))
  })

  it('names the bad path in a validation error', () => {
    expect(() =>
      parseOrg({
        users: [{ username: 'a', password: 'p' }],
        objects: [{ name: 'X__c', fields: [{ name: 'Bad', type: 'text' }] }],
      }),
    ).toThrow(/objects\.0\.fields\.0\.name: a custom field name ends with __c/)
    expect(() => parseOrg({ settings: { trustedIpRanges: ['everyone'] } })).toThrow(
      /settings\.trustedIpRanges\.0/,
    )
    expect(() =>
      parseOrg({
        connectedApps: [{ name: 'a', consumerKey: 'k', consumerSecret: 's', flows: ['magic'] }],
      }),
    ).toThrow(/connectedApps\.0\.flows\.0/)
  })

  it('builds custom objects with a00.. prefixes, system fields and child relationships', () => {
    const objects = buildSchema(
      parseOrg({
        objects: [
          { name: 'A__c' },
          { name: 'B__c', fields: [{ name: 'A__c', type: 'lookup', referenceTo: 'A__c' }] },
        ],
      }),
    )
    const a = objects.find((o) => o.name === 'A__c')!
    const b = objects.find((o) => o.name === 'B__c')!
    expect([a.keyPrefix, b.keyPrefix]).toEqual(['a00', 'a01'])
    expect(b.fields.map((f) => f.name)).toEqual([
      'Id',
      'OwnerId',
      'IsDeleted',
      'Name',
      'CreatedDate',
      'CreatedById',
      'LastModifiedDate',
      'LastModifiedById',
      'SystemModstamp',
      'A__c',
    ])
    expect(a.childRelationships).toEqual([
      { relationshipName: 'Bs__r', childSObject: 'B__c', field: 'A__c', cascadeDelete: false },
    ])
    const account = objects.find((o) => o.name === 'Account')!
    expect(account.childRelationships.map((r) => r.relationshipName)).toEqual(
      expect.arrayContaining(['Contacts', 'Opportunities', 'Cases', 'ChildAccounts']),
    )
  })

  it('refuses a lookup to an object the org does not have', () => {
    expect(() =>
      buildSchema(
        parseOrg({
          objects: [
            { name: 'A__c', fields: [{ name: 'X__c', type: 'lookup', referenceTo: 'Nope__c' }] },
          ],
        }),
      ),
    ).toThrow(/points to Nope__c/)
  })
})
