// Three `forcebridge start` processes on one PostgreSQL database and one Redis, each with a data
// folder of its own (three machines): each lists all three in the node registry with their
// heartbeat, an admin session signed in on one works on the others and ends on all, a file
// deployed with the CLI from a fourth folder is served by every node's channel, a removal reaches
// every node, and a node SIGKILLed is shown as gone once its heartbeat is older than the timeout
// (set short here).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startCluster, type Cluster } from '../fixtures/cluster-nodes.js'
import { spawnCli } from './fixtures/cli-process.js'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 })

const dir = mkdtempSync(join(tmpdir(), 'fb-cluster-deploy-'))
const password = 'cluster-admin-password'
let cluster: Cluster
let urls: string[] = []
let cookie = ''
let csrfToken = ''

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
      throw new Error(`timed out waiting for ${what}; the nodes said:\n${cluster.logs()}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Runs a one-shot CLI command as a third machine would, sharing only the database. */
async function cli(...args: string[]) {
  const run = spawnCli(args, { ...cluster.env, FORCEBRIDGE_HOME: join(dir, 'operator') })
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
  cluster = await startCluster({
    nodes: 3,
    dir,
    env: {
      FORCEBRIDGE_ADMIN_PASSWORD: password,
      FORCEBRIDGE_WORKER_CONCURRENCY: '0',
      FORCEBRIDGE_NODE_HEARTBEAT_MS: '200',
      FORCEBRIDGE_NODE_TIMEOUT_MS: '1500',
    },
  })
  urls = cluster.urls
  const signIn = await fetch(`${urls[0]}/admin/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password }),
  })
  expect(signIn.status).toBe(200)
  csrfToken = ((await signIn.json()) as { csrfToken: string }).csrfToken
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
})

afterAll(async () => {
  await cluster?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('a cluster of three nodes on PostgreSQL', () => {
  it('lists all three nodes, alive with a recent heartbeat, on any node', async () => {
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
    expect(metrics).toMatch(/^forcebridge_cluster_nodes 3$/m)
    expect(metrics).toMatch(/^forcebridge_node_info\{node="[0-9a-f-]{36}",version="[^"]+"\} 1$/m)
    const page = await fetch(`${urls[1]}/admin/nodes`, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('alive')
  })

  it('accepts a session signed in on one node on the others, and ends it on all', async () => {
    const [a, b, c] = urls
    const signIn = await fetch(`${b}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password }),
    })
    expect(signIn.status).toBe(200)
    const session = (await signIn.json()) as { csrfToken: string }
    const own = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    for (const url of [a, c]) {
      const res = await fetch(`${url}/admin/api/session`, { headers: { cookie: own } })
      expect(await res.json()).toEqual({ user: 'admin', csrfToken: session.csrfToken })
    }
    const signOut = await fetch(`${c}/admin/api/session`, {
      method: 'DELETE',
      headers: { cookie: own, 'x-csrf-token': session.csrfToken },
    })
    expect(signOut.status).toBe(200)
    await signOut.arrayBuffer()
    for (const url of [a, b]) {
      const res = await fetch(`${url}/admin/api/session`, { headers: { cookie: own } })
      expect(res.status).toBe(401)
      await res.arrayBuffer()
    }
    // The first session, made on node 0, is untouched and works on node 2.
    const first = await fetch(`${c}/admin/api/session`, { headers: { cookie } })
    expect(await first.json()).toEqual({ user: 'admin', csrfToken })
  })

  it('serves a file deployed with the CLI on every node, then a new version, then none', async () => {
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
    await until('every node to report cluster.hello', async () => {
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
    const port = Number(new URL(urls[1] ?? '').port)
    await cluster.kill(1)
    const listed = await until('the killed node to be gone', async () => {
      const rows = await nodesOn(urls[0] ?? '')
      const row = rows.find((n) => n.port === port)
      return row && !row.alive ? rows : undefined
    })
    expect(listed.filter((n) => n.alive)).toHaveLength(2)
    const metrics = await (await fetch(`${urls[0]}/metrics`)).text()
    expect(metrics).toMatch(/^forcebridge_cluster_nodes 2$/m)
  })
})
