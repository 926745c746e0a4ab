// Two `forcebridge start` processes on one PostgreSQL database and one Redis, each with a data
// folder of its own (two machines): both list both in the node registry with their heartbeat,
// a file deployed with the CLI from a third folder is served by both nodes' channel, a removal
// reaches both, and a node SIGKILLed is shown as gone once its heartbeat is older than the
// timeout (set short here).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestPostgres, type TestPostgres } from '../fixtures/postgres-database.js'
import { deleteKeys, SHARED_REDIS_URL, testPrefix } from '../runtime/fixtures/redis-fixture.js'
import { serverUrl, spawnCli, type CliProcess } from './fixtures/cli-process.js'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 })

const dir = mkdtempSync(join(tmpdir(), 'fb-cluster-deploy-'))
const prefix = testPrefix()
const password = 'cluster-admin-password'
const nodes: CliProcess[] = []
const urls: string[] = []
let pg: TestPostgres
let env: Record<string, string>
let cookie = ''

interface NodeRow {
  id: string
  port: number
  alive: boolean
  heartbeatAgeMs: number
  services: string[]
}

/** Polls `check` until it returns a value (not undefined); fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000) {
  const end = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > end) {
      const logs = nodes.map((n) => n.err.filter((l) => !l.includes('"msg":"request')).join('\n'))
      throw new Error(`timed out waiting for ${what}; the nodes said:\n${logs.join('\n---\n')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Runs a one-shot CLI command as a third machine would, sharing only the database. */
async function cli(...args: string[]) {
  const run = spawnCli(args, { ...env, FORCEBRIDGE_HOME: join(dir, 'operator') })
  const code = await run.exited
  return { code, out: run.out.join('\n'), err: run.err.join('\n') }
}

async function nodesOn(url: string): Promise<NodeRow[]> {
  const res = await fetch(`${url}/admin/api/nodes`, { headers: { cookie } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { nodes: NodeRow[] }).nodes
}

const serviceFile = (greeting: string) => `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'cluster.hello',
  input: z.object({}),
  output: z.object({ greeting: z.string() }),
  handle() {
    return { greeting: ${JSON.stringify(greeting)} }
  },
})
`

async function callOn(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/hello`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined }
}

beforeAll(async () => {
  pg = await createTestPostgres('cluster_deploy')
  env = {
    FORCEBRIDGE_PORT: '0',
    FORCEBRIDGE_DATABASE_URL: pg.url,
    // The same master key on every node and on the operator's machine.
    FORCEBRIDGE_SECRET_KEY: randomBytes(32).toString('base64'),
    FORCEBRIDGE_REDIS_URL: SHARED_REDIS_URL,
    FORCEBRIDGE_REDIS_PREFIX: prefix,
    FORCEBRIDGE_ADMIN_PASSWORD: password,
    FORCEBRIDGE_WORKER_CONCURRENCY: '0',
    FORCEBRIDGE_NODE_HEARTBEAT_MS: '200',
    FORCEBRIDGE_NODE_TIMEOUT_MS: '1500',
  }
  for (let i = 0; i < 2; i++) {
    const node = spawnCli(['start'], { ...env, FORCEBRIDGE_HOME: join(dir, `node-${i}`) })
    nodes.push(node)
    urls.push(await serverUrl(node))
  }
  const signIn = await fetch(`${urls[0]}/admin/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password }),
  })
  expect(signIn.status).toBe(200)
  await signIn.arrayBuffer()
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
})

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()))
  await deleteKeys(prefix)
  await pg?.drop()
  rmSync(dir, { recursive: true, force: true })
})

describe('a cluster of two nodes on PostgreSQL', () => {
  it('lists both nodes, alive with a recent heartbeat, on either node', async () => {
    const ports = urls.map((u) => Number(new URL(u).port)).sort()
    for (const url of urls) {
      const listed = await nodesOn(url)
      expect(listed.map((n) => n.port).sort()).toEqual(ports)
      for (const n of listed) {
        expect(n.alive).toBe(true)
        expect(n.heartbeatAgeMs).toBeLessThan(1500)
      }
    }
    const metrics = await (await fetch(`${urls[0]}/metrics`)).text()
    expect(metrics).toMatch(/^forcebridge_cluster_nodes 2$/m)
    expect(metrics).toMatch(/^forcebridge_node_info\{node="[0-9a-f-]{36}",version="[^"]+"\} 1$/m)
    const page = await fetch(`${urls[1]}/admin/nodes`, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('alive')
  })

  it('serves a file deployed with the CLI on both nodes, then a new version, then none', async () => {
    const added = await cli(
      'channel',
      'add',
      'POST',
      '/hello',
      '--service',
      'cluster.hello',
      '--public',
    )
    expect(added.code, added.err).toBe(0)
    const file = join(dir, 'hello.ts')
    writeFileSync(file, serviceFile('one'))
    const deployed = await cli('deploy', file)
    expect(deployed.code, deployed.err).toBe(0)
    expect(deployed.out).toContain('stored in the database as hello.ts version 1')
    for (const url of urls) {
      await until(`version 1 on ${url}`, async () => {
        const r = await callOn(url)
        return r.status === 200 && JSON.stringify(r.body).includes('one') ? r : undefined
      })
    }
    // The registry shows which services each node serves: the rollout, converged.
    await until('both nodes to report cluster.hello', async () => {
      const listed = await nodesOn(urls[0] ?? '')
      return listed.every((n) => n.services.includes('cluster.hello')) ? listed : undefined
    })

    writeFileSync(file, serviceFile('two'))
    const again = await cli('deploy', file)
    expect(again.out).toContain('version 2')
    for (const url of urls) {
      await until(`version 2 on ${url}`, async () => {
        const r = await callOn(url)
        return r.status === 200 && JSON.stringify(r.body).includes('two') ? r : undefined
      })
    }

    const removed = await cli('deploy', '--remove', 'hello.ts')
    expect(removed.code, removed.err).toBe(0)
    expect(removed.out).toContain('from every node')
    for (const url of urls) {
      await until(`removal on ${url}`, async () => {
        const listed = await nodesOn(url)
        return listed.every((n) => !n.services.includes('cluster.hello')) ? listed : undefined
      })
      expect((await callOn(url)).status).not.toBe(200)
    }
  })

  it('shows a SIGKILLed node as gone once its heartbeat is older than the timeout', async () => {
    const killed = nodes[1]
    const port = Number(new URL(urls[1] ?? '').port)
    killed?.child.kill('SIGKILL')
    await killed?.exited
    const listed = await until('the killed node to be gone', async () => {
      const rows = await nodesOn(urls[0] ?? '')
      const row = rows.find((n) => n.port === port)
      return row && !row.alive ? rows : undefined
    })
    expect(listed.filter((n) => n.alive)).toHaveLength(1)
    const metrics = await (await fetch(`${urls[0]}/metrics`)).text()
    expect(metrics).toMatch(/^forcebridge_cluster_nodes 1$/m)
  })
})
