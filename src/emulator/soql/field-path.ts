// Resolves field names and dot paths (`Account.Owner.Name`) against the org's schema, and
// reads their values from rows, following lookups through a per-query cache of parents.

import type { FieldDef, ObjectDef, OrgReader, RecordRow } from '../model/index.js'
import { noSuchColumn, soqlError, unknownRelationship } from './soql-error.js'

/** One lookup followed in a path: the reference field and the object it points to. */
export interface Hop {
  field: FieldDef
  /** Canonical relationship name, the key of the nested parent in query results. */
  relationshipName: string
  target: ObjectDef
}

export interface FieldPath {
  hops: Hop[]
  field: FieldDef
  /** The object that owns `field`. */
  object: ObjectDef
}

/** Where in the query text an error should point. */
export interface ErrorSite {
  query: string
  offset: number
}

const fieldMaps = new WeakMap<ObjectDef, Map<string, FieldDef>>()

/** The field of `object` named `name` in any case, or undefined. */
function findField(object: ObjectDef, name: string): FieldDef | undefined {
  let map = fieldMaps.get(object)
  if (!map) {
    map = new Map(object.fields.map((f) => [f.name.toLowerCase(), f]))
    fieldMaps.set(object, map)
  }
  return map.get(name.toLowerCase())
}

// Salesforce allows five levels of parent relationships in one path.
const MAX_HOPS = 5

/**
 * Resolves `dotted` from `object`; a leading object alias (`a.Name` in `FROM Account a`) is
 * dropped. Throws INVALID_FIELD for an unknown column or relationship.
 */
export function resolvePath(
  org: OrgReader,
  object: ObjectDef,
  dotted: string,
  site: ErrorSite,
  alias?: string,
): FieldPath {
  const parts = dotted.split('.')
  if (alias !== undefined && parts.length > 1 && parts[0]?.toLowerCase() === alias.toLowerCase()) {
    parts.shift()
  }
  if (parts.length - 1 > MAX_HOPS) {
    throw soqlError(
      'MALFORMED_QUERY',
      site.query,
      site.offset,
      `Relationship path ${dotted} has more than ${MAX_HOPS} levels of parent relationships`,
    )
  }
  const hops: Hop[] = []
  let current = object
  for (const part of parts.slice(0, -1)) {
    const lower = part.toLowerCase()
    const field = current.fields.find(
      (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === lower,
    )
    // Polymorphic lookups (OwnerId -> User or Group) resolve to their first target for schema.
    const target = field ? org.getObject(field.referenceTo[0] ?? '') : undefined
    if (!field || !target || field.relationshipName === null) {
      throw unknownRelationship(site.query, site.offset, part)
    }
    hops.push({ field, relationshipName: field.relationshipName, target })
    current = target
  }
  const name = parts[parts.length - 1] ?? ''
  const field = findField(current, name)
  if (!field) throw noSuchColumn(site.query, site.offset, name, current.name)
  return { hops, field, object: current }
}

const MAX_CACHED_PARENTS = 10_000

/** Parents fetched during one query, by id, so each is read from the org at most once in a while. */
export class RowLookup {
  private readonly cache = new Map<string, RecordRow | null>()

  constructor(private readonly org: OrgReader) {}

  /** The parent row a lookup value points to, or undefined when empty or missing. */
  parent(hop: Hop, id: unknown): RecordRow | undefined {
    if (typeof id !== 'string' || id === '') return undefined
    const cached = this.cache.get(id)
    if (cached !== undefined) return cached ?? undefined
    const object = hop.field.referenceTo.length > 1 ? this.org.objectForId(id) : hop.target
    const row = object ? this.org.getRow(object.name, id) : undefined
    // A query over millions of children may meet millions of parents: the cache is for the
    // few parents shared by many rows, and starts again rather than hold them all.
    if (this.cache.size >= MAX_CACHED_PARENTS) this.cache.clear()
    this.cache.set(id, row ?? null)
    return row
  }

  /** The value at the end of `path` for `row`; undefined when a parent on the way is missing. */
  value(path: FieldPath, row: RecordRow): unknown {
    let current: RecordRow | undefined = row
    for (const hop of path.hops) {
      current = this.parent(hop, current[hop.field.name])
      if (!current) return undefined
    }
    return current[path.field.name]
  }

  /** The object type of a row reached through `hop` (polymorphic lookups vary per row). */
  typeOf(hop: Hop, row: RecordRow): string {
    return hop.field.referenceTo.length > 1
      ? (this.org.objectForId(row.Id)?.name ?? hop.target.name)
      : hop.target.name
  }
}
