// Service files deployed to every node of a cluster (`forcebridge deploy` on a shared store).
// Each write moves the store revision, so every node hears of it and writes the file into its
// services folder; a removed file stays as a row without content until every node has had time
// to remove its copy.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'
import type { StoreRevision } from './store-revision.js'

export interface StoredServiceFile {
  name: string
  /** Null when the file was removed. */
  content: string | null
  sha256: string | null
  version: number
  deployedAt: string
  deployedBy: string
}

export class ServiceFileRepository {
  readonly #db: Kysely<DatabaseSchema>
  readonly #revision: StoreRevision

  constructor(db: Kysely<DatabaseSchema>, revision: StoreRevision) {
    this.#db = db
    this.#revision = revision
  }

  /** Stores `content` as `name`, one version after the last; returns the stored file. */
  async put(name: string, content: string, deployedBy: string): Promise<StoredServiceFile> {
    return this.#write(name, content, deployedBy)
  }

  /** Marks `name` removed; false when no such file is deployed. */
  async remove(name: string, deployedBy: string): Promise<boolean> {
    const current = await this.get(name)
    if (!current || current.content === null) return false
    await this.#write(name, null, deployedBy)
    return true
  }

  async get(name: string): Promise<StoredServiceFile | undefined> {
    const row = await this.#db
      .selectFrom('service_files')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    return row && toFile(row)
  }

  /** Every file, removed ones included (their content null), by name. */
  async list(): Promise<StoredServiceFile[]> {
    const rows = await this.#db.selectFrom('service_files').selectAll().orderBy('name').execute()
    return rows.map(toFile)
  }

  async #write(name: string, content: string | null, deployedBy: string) {
    const row = {
      name,
      content,
      sha256: content === null ? null : createHash('sha256').update(content).digest('hex'),
      version: 1,
      deployed_at: new Date().toISOString(),
      deployed_by: deployedBy,
    }
    const saved = await this.#db
      .insertInto('service_files')
      .values(row)
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          content: row.content,
          sha256: row.sha256,
          version: eb('service_files.version', '+', 1),
          deployed_at: row.deployed_at,
          deployed_by: row.deployed_by,
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow()
    this.#revision.bump()
    return toFile(saved)
  }
}

function toFile(r: DatabaseSchema['service_files']): StoredServiceFile {
  return {
    name: r.name,
    content: r.content,
    sha256: r.sha256,
    version: r.version,
    deployedAt: r.deployed_at,
    deployedBy: r.deployed_by,
  }
}
