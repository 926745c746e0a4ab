// The records every org has before anyone writes: its Organization row, the standard
// profiles, the standard price book, and the record types the org file declares. Each is
// added only when missing, so a restart on the same data dir adds nothing twice.

import { applyCompoundAddresses } from './compound-address.js'
import { formatDateTime } from './sf-datetime.js'
import type { OrgStore } from './org-store.js'

export interface SeedOptions {
  orgId: string
  orgName: string
  now: () => Date
}

export interface SeededOrg {
  /** Id of the "System Administrator" profile, given to the org file's users. */
  adminProfileId: string
}

function stamps(now: () => Date): Record<string, string> {
  const stamp = formatDateTime(now())
  return { CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp }
}

function ensure(
  store: OrgStore,
  objectName: string,
  match: string,
  value: string,
  fields: Record<string, unknown>,
): string {
  const existing = [...store.rows(objectName)].find((r) => !r.IsDeleted && r[match] === value)
  if (existing) return existing.Id
  const obj = store.getObject(objectName)!
  const id = match === 'Id' ? value : store.newId(obj.keyPrefix)
  const row: Record<string, unknown> = { ...fields, Id: id, IsDeleted: false, [match]: value }
  applyCompoundAddresses(obj, row)
  store.insertRaw(objectName, row)
  return id
}

export function seedOrg(store: OrgStore, opts: SeedOptions): SeededOrg {
  const at = stamps(opts.now)
  ensure(store, 'Organization', 'Id', opts.orgId, {
    ...at,
    Name: opts.orgName,
    Country: 'US',
    DefaultLocaleSidKey: 'en_US',
    TimeZoneSidKey: 'America/Los_Angeles',
    LanguageLocaleKey: 'en_US',
    FiscalYearStartMonth: 1,
    UsesStartDateAsFiscalYearName: false,
    DefaultAccountAccess: 'Edit',
    DefaultContactAccess: 'ControlledByParent',
    DefaultOpportunityAccess: 'Edit',
    DefaultLeadAccess: 'ReadEditTransfer',
    DefaultCaseAccess: 'ReadEditTransfer',
    DefaultCalendarAccess: 'HideDetailsInsert',
    DefaultPricebookAccess: 'ReadSelect',
    DefaultCampaignAccess: 'All',
    OrganizationType: 'Developer Edition',
    InstanceName: 'EMU1',
    IsSandbox: false,
    IsReadOnly: false,
  })
  const admin = { UserType: 'Standard', PermissionsApiEnabled: true, PermissionsViewSetup: true }
  const adminProfileId = ensure(store, 'Profile', 'Name', 'System Administrator', {
    ...at,
    ...admin,
    PermissionsModifyAllData: true,
    PermissionsViewAllData: true,
    PermissionsManageUsers: true,
    PermissionsCustomizeApplication: true,
    PermissionsAuthorApex: true,
    PermissionsRunReports: true,
    PermissionsEditTask: true,
    PermissionsEditEvent: true,
    PermissionsBulkApiHardDelete: true,
  })
  ensure(store, 'Profile', 'Name', 'Standard User', {
    ...at,
    ...admin,
    PermissionsViewSetup: false,
    PermissionsRunReports: true,
    PermissionsEditTask: true,
    PermissionsEditEvent: true,
  })
  // Every org has one standard price book; products get their list prices in it.
  ensure(store, 'Pricebook2', 'Name', 'Standard Price Book', {
    ...at,
    IsActive: true,
    IsStandard: true,
    IsArchived: false,
  })
  for (const obj of store.objects()) {
    for (const rt of obj.recordTypes ?? []) {
      ensure(store, 'RecordType', 'Id', rt.id, {
        ...at,
        Name: rt.name,
        DeveloperName: rt.developerName,
        Description: rt.description,
        SobjectType: obj.name,
        IsActive: rt.active,
      })
    }
  }
  return { adminProfileId }
}

/** The audit user of the seeded rows, once the org's first user exists. */
export function stampSeedAuthor(store: OrgStore, userId: string): void {
  for (const name of ['Organization', 'Profile', 'Pricebook2', 'RecordType']) {
    for (const row of [...store.rows(name)]) {
      if (row.CreatedById === null || row.CreatedById === undefined) {
        store.insertRaw(name, { ...row, CreatedById: userId, LastModifiedById: userId })
      }
    }
  }
}
