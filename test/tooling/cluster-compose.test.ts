// deploy/cluster/compose.yaml and its haproxy.cfg, read as Compose and haproxy would read them
// (no Docker on the test machines, so the images are never built here): every forcebridge node
// built from the one Dockerfile, with the same database, Redis, prefix and master key reference,
// a health check, a volume of its own and no published port; PostgreSQL and Redis as the nodes'
// URLs name them, Redis with an append-only file and no eviction; haproxy checking every node.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO } from '../docs/markdown-parts.js'

const DIR = join(REPO, 'deploy', 'cluster')
const composeText = readFileSync(join(DIR, 'compose.yaml'), 'utf8')
const haproxy = readFileSync(join(DIR, 'haproxy.cfg'), 'utf8')

interface Service {
  image?: string
  build?: { context: string; dockerfile: string }
  command?: string[]
  environment?: Record<string, string>
  healthcheck?: { test: string[] }
  ports?: string[]
  volumes?: string[]
  depends_on?: Record<string, { condition: string }>
}
// Compose resolves `<<: *anchor` (YAML merge keys) as the yaml package does with merge on.
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> }
const services = compose.services
const nodes = Object.entries(services).filter(([, s]) => s.image?.startsWith('forcebridge'))

/** The variable a Compose `${NAME…}` reference names, or undefined for a literal. */
const reference = (value: string | undefined) => /^\$\{([A-Z_]+)[:?}]/.exec(value ?? '')?.[1]

describe('deploy/cluster/compose.yaml', () => {
  it('runs two forcebridge nodes from the repository Dockerfile, with the same settings', () => {
    expect(nodes.map(([name]) => name)).toEqual(['node1', 'node2'])
    for (const [name, node] of nodes) {
      expect(node.build, name).toEqual({ context: '../..', dockerfile: 'Dockerfile' })
      expect(node.image, name).toBe(nodes[0]?.[1].image)
    }
    expect(existsSync(join(DIR, '../..', 'Dockerfile'))).toBe(true)
    const shared = [
      'FORCEBRIDGE_DATABASE_URL',
      'FORCEBRIDGE_REDIS_URL',
      'FORCEBRIDGE_REDIS_PREFIX',
      'FORCEBRIDGE_SECRET_KEY',
    ]
    const [[, first], [, second]] = nodes as [[string, Service], [string, Service]]
    for (const name of shared) {
      expect(first.environment?.[name], name).toBeTruthy()
      expect(second.environment?.[name], name).toBe(first.environment?.[name])
    }
  })

  it('takes the master key from a reference, never a value in the file', () => {
    for (const [name, node] of nodes) {
      expect(reference(node.environment?.FORCEBRIDGE_SECRET_KEY), name).toBe(
        'FORCEBRIDGE_SECRET_KEY',
      )
    }
    // No base64 of 32 bytes anywhere in the file, and the file the references come from is ignored.
    expect(composeText).not.toMatch(/[A-Za-z0-9+/]{43}=/)
    expect(readFileSync(join(REPO, '.gitignore'), 'utf8').split('\n')).toContain(
      'deploy/cluster/.env',
    )
  })

  it('sets only settings forcebridge knows', () => {
    const config = readFileSync(join(REPO, 'src/runtime/config/load-config.ts'), 'utf8')
    for (const [name, node] of nodes) {
      for (const key of Object.keys(node.environment ?? {}))
        expect(config, `${name}: ${key}`).toContain(`${key}:`)
    }
  })

  it('points the nodes at the PostgreSQL and Redis services it runs', () => {
    const env = nodes[0]?.[1].environment ?? {}
    const database = new URL(env.FORCEBRIDGE_DATABASE_URL?.replace(/\$\{[^}]*\}/, 'x') ?? '')
    const postgres = services[database.hostname]
    expect(postgres?.image).toMatch(/^postgres:/)
    expect(database.port).toBe('5432')
    expect(database.username).toBe(postgres?.environment?.POSTGRES_USER)
    expect(database.pathname).toBe(`/${postgres?.environment?.POSTGRES_DB}`)
    // The password in the URL is the same reference the database is created with.
    const password = /:(\$\{[^}]*\})@/.exec(env.FORCEBRIDGE_DATABASE_URL ?? '')?.[1]
    expect(password).toBe(postgres?.environment?.POSTGRES_PASSWORD)
    expect(reference(password)).toBe('POSTGRES_PASSWORD')

    const redisUrl = new URL(env.FORCEBRIDGE_REDIS_URL ?? '')
    expect(redisUrl.protocol).toBe('redis:')
    expect(services[redisUrl.hostname]?.image).toMatch(/^redis:/)
    expect(redisUrl.port).toBe('6379')
  })

  it('runs Redis with an append-only file and no eviction', () => {
    const command = services.redis?.command ?? []
    const option = (name: string) => command[command.indexOf(name) + 1]
    expect(command[0]).toBe('redis-server')
    expect(option('--appendonly')).toBe('yes')
    expect(option('--maxmemory-policy')).toBe('noeviction')
    expect(option('--maxmemory')).toMatch(/^\d+[kmg]b$/)
    expect(services.redis?.volumes?.some((v) => v.endsWith(':/data'))).toBe(true)
  })

  it('checks the health of every service, and starts nodes after their database and Redis', () => {
    for (const name of ['postgres', 'redis'])
      expect(services[name]?.healthcheck, name).toBeDefined()
    for (const [name, node] of nodes) {
      expect(node.healthcheck?.test.join(' '), name).toMatch(
        /http:\/\/127\.0\.0\.1:8400\/(readyz|healthz)/,
      )
      expect(node.depends_on?.postgres?.condition, name).toBe('service_healthy')
      expect(node.depends_on?.redis?.condition, name).toBe('service_healthy')
    }
  })

  it('gives each node a data volume of its own and publishes only the balancer', () => {
    const volumes = nodes.map(([, n]) => n.volumes?.find((v) => v.endsWith(':/data')))
    expect(volumes.every(Boolean)).toBe(true)
    expect(new Set(volumes).size).toBe(nodes.length)
    for (const [name, node] of nodes) expect(node.ports, name).toBeUndefined()
    expect(services.lb?.ports).toEqual(['127.0.0.1:8400:8080'])
  })
})

describe('deploy/cluster/haproxy.cfg', () => {
  it('balances over every node on its port, checking /readyz', () => {
    expect(haproxy).toMatch(/^\s*bind :8080$/m)
    expect(haproxy).toMatch(/^\s*balance roundrobin$/m)
    expect(haproxy).toMatch(/^\s*option httpchk GET \/readyz$/m)
    const servers = [...haproxy.matchAll(/^\s*server (\S+) (\S+) (.*)$/gm)]
    expect(servers.map((m) => m[2])).toEqual(nodes.map(([name]) => `${name}:8400`))
    for (const m of servers) expect(m[3], m[1]).toMatch(/\bcheck\b/)
    expect(services.lb?.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro')
  })
})
