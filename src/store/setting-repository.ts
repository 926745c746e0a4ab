// Small named values kept by the store; a secret one (such as the demo's API key) is sealed.
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'
import type { SecretBox } from './secret-box.js'
import type { StoreRevision } from './store-revision.js'

export class SettingRepository {
  readonly #db: Kysely<DatabaseSchema>
  readonly #box: SecretBox
  readonly #revision: StoreRevision

  constructor(db: Kysely<DatabaseSchema>, box: SecretBox, revision: StoreRevision) {
    this.#db = db
    this.#box = box
    this.#revision = revision
  }

  async get(key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('settings')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst()
    if (!row) return undefined
    return row.encrypted === 1 ? this.#box.open(row.value, `setting:${key}`) : row.value
  }

  async set(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    const secret = options.secret ?? false
    const stored = secret ? this.#box.seal(value, `setting:${key}`) : value
    const row = {
      key,
      value: stored,
      encrypted: secret ? 1 : 0,
      updated_at: new Date().toISOString(),
    }
    await this.#db
      .insertInto('settings')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ value: row.value, encrypted: row.encrypted, updated_at: row.updated_at }),
      )
      .execute()
    this.#revision.bump()
  }

  /**
   * Stores `value` unless the key already has one, and returns what the store holds afterwards:
   * of several processes creating the same value at once, all end up with the first one written.
   */
  async getOrCreate(
    key: string,
    value: string,
    options: { secret?: boolean } = {},
  ): Promise<string> {
    const secret = options.secret ?? false
    const result = await this.#db
      .insertInto('settings')
      .values({
        key,
        value: secret ? this.#box.seal(value, `setting:${key}`) : value,
        encrypted: secret ? 1 : 0,
        updated_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst()
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) {
      this.#revision.bump()
      return value
    }
    return (await this.get(key)) ?? value
  }

  /** Forgets a setting; true when there was one. */
  async delete(key: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('settings').where('key', '=', key).executeTakeFirst()
    this.#revision.bump()
    return result.numDeletedRows > 0n
  }
}
