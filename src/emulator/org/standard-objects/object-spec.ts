// The data form of a standard object: a header and one line per field, as in Salesforce's
// Object Reference (name, type, length, flags, label). `parseObjectSpec` turns it into the
// describe metadata the rest of the emulator reads.

/**
 * One standard object as data. Field lines read
 * `Name type(args) flags... | Label`, e.g. `Sic string(20) | SIC Code` or
 * `ParentId ref(Account) child=ChildAccounts | Parent Account ID`.
 *
 * Types: string(len), textarea(len), email, phone, url(len), picklist(@list),
 * multipicklist(@list), combobox(@list), boolean, int(digits), double(p,s), currency(p,s),
 * percent(p,s), date, datetime, base64, ref(Obj,Obj2), address (compound, read-only).
 * `@address Billing` expands to the five address fields, geolocation and the compound
 * `BillingAddress` (`@address` alone to `Street`, ..., `Address`).
 *
 * Flags: `req` (must be set on create), `nn` (never null, defaulted), `ro` (read-only),
 * `co` (set on create only), `unique`, `ext` (external id), `name` (the name field),
 * `restricted`, `def=Value`, `rel=Name` (relationship name), `child=Name` (the child
 * relationship on the parent; `child=-` for none), `compound=Name`, `cascade` (children
 * deleted with the parent), `auto` (auto-number).
 */
export interface ObjectSpec {
  name: string
  label: string
  labelPlural: string
  keyPrefix: string
  /** Has OwnerId (a lookup to User). */
  owner: boolean
  /** Has CreatedDate/CreatedById/LastModifiedDate/LastModifiedById (default true). */
  audit?: boolean
  /** Object-level describe flags, true unless given. */
  createable?: boolean
  updateable?: boolean
  deletable?: boolean
  fields: string[]
}
