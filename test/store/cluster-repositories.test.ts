// The cluster's tables on both dialects: a node's row moves with its heartbeat and is purged when
// old; a deployed file gets a new version at each deploy, stays as a tombstone once removed, and
// each write moves the store revision (on PostgreSQL, for other processes too: a trigger).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { storeDialects } from '../fixtures/store-dialects.js'

const dirs: string[] = []
const stores: Store[] = []

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe.each(storeDialects('cluster_repositories'))('cluster tables on $name', (dialect) => {
  async function open(): Promise<Store> {
    const home = mkdtempSync(join(tmpdir(), 'fb-cluster-repo-'))
    dirs.push(home)
    const store = await openStore({ home, ...dialect.options() })
    stores.push(store)
    return store
  }

  it('registers a node, moves its heartbeat, and purges it once old', async () => {
    const store = await open()
    const node = {
      id: 'n1',
      host: 'h',
      port: 1,
      version: '1.0.0',
      startedAt: '2026-01-01T00:00:00.000Z',
      lastHeartbeatAt: '2026-01-01T00:00:00.000Z',
      services: ['a', 'b'],
    }
    await store.nodes.upsert(node)
    await store.nodes.upsert({
      ...node,
      lastHeartbeatAt: '2026-01-01T00:00:05.000Z',
      services: ['a'],
    })
    expect(await store.nodes.list()).toEqual([
      { ...node, lastHeartbeatAt: '2026-01-01T00:00:05.000Z', services: ['a'] },
    ])
    expect(await store.nodes.purgeOlderThan('2026-01-01T00:00:04.000Z')).toBe(0)
    expect(await store.nodes.purgeOlderThan('2026-01-01T00:00:06.000Z')).toBe(1)
    expect(await store.nodes.list()).toEqual([])
  })

  it('versions deployed files, keeps a removed one as a tombstone, and moves the revision', async () => {
    const store = await open()
    const before = store.revision()
    const first = await store.serviceFiles.put('a.ts', 'one', 'me@here')
    expect(first).toMatchObject({ name: 'a.ts', content: 'one', version: 1, deployedBy: 'me@here' })
    expect(store.revision()).not.toBe(before)
    const second = await store.serviceFiles.put('a.ts', 'two', 'me@here')
    expect(second.version).toBe(2)
    expect(second.sha256).not.toBe(first.sha256)
    expect(await store.serviceFiles.remove('a.ts', 'me@here')).toBe(true)
    expect(await store.serviceFiles.remove('a.ts', 'me@here')).toBe(false)
    expect(await store.serviceFiles.list()).toMatchObject([
      { name: 'a.ts', content: null, sha256: null, version: 3 },
    ])
  })
})
