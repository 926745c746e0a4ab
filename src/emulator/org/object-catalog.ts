// The org's objects and their fields by name (case-insensitive, as Salesforce reads API names)
// and by id prefix: lookups built once from the schema, with no records involved.
import type { FieldDef, ObjectDef } from '../model/index.js'

export class ObjectCatalog {
  private readonly byName = new Map<string, ObjectDef>()
  private readonly byPrefix = new Map<string, ObjectDef>()
  private readonly fieldMaps = new Map<string, Map<string, FieldDef>>()
  private readonly relMaps = new Map<string, Map<string, FieldDef>>()

  constructor(readonly schema: ObjectDef[]) {
    for (const o of schema) {
      this.byName.set(o.name.toLowerCase(), o)
      this.byPrefix.set(o.keyPrefix, o)
      this.fieldMaps.set(o.name, new Map(o.fields.map((f) => [f.name.toLowerCase(), f])))
      this.relMaps.set(
        o.name,
        new Map(
          o.fields
            .filter((f) => f.relationshipName)
            .map((f) => [f.relationshipName!.toLowerCase(), f]),
        ),
      )
    }
  }

  object(name: string): ObjectDef | undefined {
    return this.byName.get(name.toLowerCase())
  }

  objectForId(id: string): ObjectDef | undefined {
    return this.byPrefix.get(id.slice(0, 3))
  }

  field(objectName: string, fieldName: string): FieldDef | undefined {
    const obj = this.object(objectName)
    return obj ? this.fieldMaps.get(obj.name)!.get(fieldName.toLowerCase()) : undefined
  }

  relationshipField(objectName: string, name: string): FieldDef | undefined {
    const obj = this.object(objectName)
    return obj ? this.relMaps.get(obj.name)!.get(name.toLowerCase()) : undefined
  }
}
