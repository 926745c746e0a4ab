// GET /openapi.json from a real runtime: the document describes the stored channels with their
// services' schemas, every security kind, limits and error answers; it is valid OpenAPI 3.1 in
// structure (path parameters declared, every $ref resolves), follows changes, and can be off.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportSPKI, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createLogger,
  createRuntime,
  defineService,
  loadConfig,
  type Runtime,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-openapi-'))
const HS_SECRET = 'hs256-shared-secret-0123456789abcdef'
const BASIC_PASSWORD = 'basic-password-never-shown'
const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string }

let store: Store
let runtime: Runtime
let base: string

interface Doc {
  openapi: string
  info: { title: string; version: string }
  servers: { url: string }[]
  paths: Record<string, Record<string, Op>>
  components: Record<string, Record<string, unknown>>
}
interface Op {
  operationId: string
  description: string
  parameters?: { name: string; in: string; required: boolean; schema: unknown; $ref?: string }[]
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } }
  responses: Record<string, unknown>
  security: Record<string, string[]>[]
  'x-forcebridge-service-loaded'?: boolean
}

const TreeNode: z.ZodType<{ label: string; children: unknown[] }> = z.object({
  label: z.string(),
  get children() {
    return z.array(TreeNode)
  },
})

beforeAll(async () => {
  store = await openStore({ home: join(dir, 'home') })
  runtime = await createRuntime({ store, log: createLogger({ level: 'silent' }), watch: false })
  runtime.registry.register(
    defineService({
      name: 'orders.create',
      input: z.object({ id: z.string(), amount: z.number().min(0), note: z.string().optional() }),
      output: z.object({ id: z.string(), created: z.boolean() }),
      handle: ({ input }) => ({ id: input.id, created: true }),
    }),
  )
  runtime.registry.register(
    defineService({
      name: 'orders.find',
      input: z.object({ status: z.enum(['open', 'closed']), limit: z.string().optional() }),
      handle: () => [],
    }),
  )
  runtime.registry.register(
    defineService({
      name: 'trees.put',
      input: z.object({ treeId: z.string(), root: TreeNode }),
      handle: () => null,
    }),
  )
  // A transform cannot be written as JSON Schema: the document must still be built.
  runtime.registry.register(
    defineService({
      name: 'weird',
      input: z.string().transform((s) => s.length),
      output: z.number().transform((n) => String(n)),
      handle: ({ input }) => input,
    }),
  )
  const apiKey = await store.security.create({ kind: 'api_key', name: 'partners' })
  const basic = await store.security.create({
    kind: 'basic',
    name: 'back office',
    username: 'office',
    password: BASIC_PASSWORD,
  })
  const hs = await store.security.create({
    kind: 'jwt',
    name: 'tokens',
    algorithm: 'HS256',
    secret: HS_SECRET,
    issuer: 'https://issuer.example',
  })
  const { publicKey } = await generateKeyPair('RS256')
  const rs = await store.security.create({
    kind: 'jwt',
    name: 'idp',
    algorithm: 'RS256',
    publicKey: await exportSPKI(publicKey),
    audience: 'forcebridge',
  })
  const channels = [
    ['POST', '/orders/:id', 'orders.create', apiKey.definition.id],
    ['GET', '/orders', 'orders.find', basic.definition.id],
    ['PUT', '/trees/:treeId', 'trees.put', hs.definition.id],
    ['DELETE', '/orders/:id', 'orders.find', rs.definition.id],
    ['PATCH', '/weird', 'weird', null],
    ['GET', '/ghost', 'not.deployed', null],
  ] as const
  for (const [method, path, service, securityDefinitionId] of channels) {
    await store.channels.add({ method, path, service, securityDefinitionId })
  }
  const created = await store.channels.find('POST', '/orders/:id')
  await store.channels.update(created?.id ?? '', {
    rateLimit: { requests: 10, perSeconds: 60 },
    timeoutMs: 5000,
    maxBodyBytes: 4096,
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function fetchDoc(url = base): Promise<{ doc: Doc; text: string }> {
  const res = await fetch(`${url}/openapi.json`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const text = await res.text()
  return { doc: JSON.parse(text) as Doc, text }
}

/** Follows a local `#/a/b` pointer; undefined when it does not resolve. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: unknown = doc
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~')
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out)
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v)
      else refsIn(v, out)
    }
  }
  return out
}

/** The structural checks an OpenAPI 3.1 validator would make that matter to clients. */
function structuralProblems(doc: Doc): string[] {
  const problems: string[] = []
  if (doc.openapi !== '3.1.0') problems.push(`openapi is ${doc.openapi}`)
  if (!doc.info?.title || !doc.info.version) problems.push('info.title/version missing')
  for (const ref of refsIn(doc)) {
    if (resolvePointer(doc, ref) === undefined) problems.push(`unresolved $ref ${ref}`)
  }
  const ids = new Set<string>()
  const schemes = doc.components.securitySchemes ?? {}
  for (const [template, item] of Object.entries(doc.paths)) {
    const wanted = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort()
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${template}`
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path')
      if (
        JSON.stringify(declared.map((p) => p.name).sort()) !== JSON.stringify(wanted) ||
        declared.some((p) => p.required !== true)
      ) {
        problems.push(
          `${where}: path parameters ${JSON.stringify(declared)} vs ${JSON.stringify(wanted)}`,
        )
      }
      if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} twice`)
      ids.add(op.operationId)
      if (!op.responses['200']) problems.push(`${where}: no 200 answer`)
      for (const requirement of op.security) {
        for (const name of Object.keys(requirement)) {
          if (!(name in schemes)) problems.push(`${where}: unknown security scheme ${name}`)
        }
      }
    }
  }
  return problems
}

describe('GET /openapi.json', () => {
  it('is a structurally valid OpenAPI 3.1 document of every channel', async () => {
    const { doc, text } = await fetchDoc()
    expect(structuralProblems(doc)).toEqual([])
    expect(doc.info).toMatchObject({ title: 'forcebridge', version })
    expect(doc.servers).toEqual([{ url: base }])
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/ghost',
      '/jobs/{id}',
      '/orders',
      '/orders/{id}',
      '/trees/{treeId}',
      '/weird',
    ])
    expect(Object.keys(doc.paths['/orders/{id}'] ?? {}).sort()).toEqual(['delete', 'post'])
    // Secrets and keys never appear, only kinds and settings.
    expect(text).not.toContain(HS_SECRET)
    expect(text).not.toContain(BASIC_PASSWORD)
  })

  it('takes the body from the input schema minus path parameters, and 200 from the output', async () => {
    const { doc } = await fetchDoc()
    const post = doc.paths['/orders/{id}']?.post as Op
    const body = post.requestBody?.content['application/json'].schema ?? {}
    expect(body).toMatchObject({
      type: 'object',
      properties: { amount: { type: 'number', minimum: 0 }, note: { type: 'string' } },
      required: ['amount'],
    })
    expect(Object.keys(body.properties as object)).not.toContain('id')
    const ok = resolvePointer(
      doc,
      String(
        (post.responses['200'] as { content: Record<string, { schema: { $ref: string } }> })
          .content['application/json']?.schema.$ref,
      ),
    )
    expect(ok).toMatchObject({
      properties: { id: { type: 'string' }, created: { type: 'boolean' } },
    })
    expect(post.security).toEqual([{ partners: [] }, { 'partners.bearer': [] }])
    expect(doc.components.securitySchemes?.partners).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    })
    // Limits show as answers and in the description.
    expect(Object.keys(post.responses).sort()).toEqual(
      ['200', '202', '400', '401', '413', '429', '500', '502', '503', '504'].sort(),
    )
    const tooMany = resolvePointer(doc, '#/components/responses/RateLimited') as {
      headers: Record<string, unknown>
    }
    expect(Object.keys(tooMany.headers)).toContain('Retry-After')
    expect(post.description).toContain('At most 10 calls per 60 s')
    expect(post.description).toContain('Largest body: 4096 bytes')
  })

  it('gives GET and DELETE query parameters from the top-level input properties', async () => {
    const { doc } = await fetchDoc()
    const get = doc.paths['/orders']?.get as Op
    expect(get.requestBody).toBeUndefined()
    expect(get.parameters?.filter((p) => p.in === 'query')).toEqual([
      {
        name: 'status',
        in: 'query',
        required: true,
        schema: { type: 'string', enum: ['open', 'closed'] },
      },
      { name: 'limit', in: 'query', required: false, schema: { type: 'string' } },
    ])
    expect(get.security).toEqual([{ back_office: [] }])
    expect(doc.components.securitySchemes?.back_office).toMatchObject({
      type: 'http',
      scheme: 'basic',
    })
    // No rate limit, no body: neither 429 nor 413.
    expect(Object.keys(get.responses)).not.toContain('429')
    expect(Object.keys(get.responses)).not.toContain('413')
  })

  it('describes both JWT algorithms as bearer JWT schemes', async () => {
    const { doc } = await fetchDoc()
    expect(doc.components.securitySchemes?.tokens).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    })
    expect(
      String((doc.components.securitySchemes?.tokens as { description: string }).description),
    ).toContain('iss must be https://issuer.example')
    expect(doc.components.securitySchemes?.idp).toMatchObject({ bearerFormat: 'JWT' })
    expect(doc.paths['/orders/{id}']?.delete?.security).toEqual([{ idp: [] }])
  })

  it('hoists recursive schemas into components and keeps unconvertible ones as any value', async () => {
    const { doc } = await fetchDoc()
    const put = doc.paths['/trees/{treeId}']?.put as Op
    const root = (
      put.requestBody?.content['application/json'].schema.properties as {
        root: { $ref: string }
      }
    ).root
    const node = resolvePointer(doc, root.$ref) as {
      properties: { children: { items: { $ref: string } } }
    }
    expect(node.properties.children.items.$ref).toBe(root.$ref)
    const weird = doc.paths['/weird']?.patch as Op
    expect(weird.requestBody?.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/weird.input',
    })
    expect(weird.security).toEqual([])
  })

  it('documents asynchronous calls on every channel, and the job status path', async () => {
    const { doc } = await fetchDoc()
    for (const [template, item] of Object.entries(doc.paths)) {
      if (template === '/jobs/{id}') continue
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${template}`
        expect(op.responses['202'], where).toEqual({ $ref: '#/components/responses/Accepted' })
        expect(op.parameters?.map((p) => p.$ref).filter(Boolean), where).toEqual([
          '#/components/parameters/Prefer',
          '#/components/parameters/IdempotencyKey',
        ])
      }
    }
    const prefer = resolvePointer(doc, '#/components/parameters/Prefer')
    expect(prefer).toMatchObject({ name: 'Prefer', in: 'header' })
    expect(resolvePointer(doc, '#/components/parameters/IdempotencyKey')).toMatchObject({
      name: 'Idempotency-Key',
      in: 'header',
      schema: { maxLength: 200 },
    })
    const accepted = resolvePointer(doc, '#/components/responses/Accepted') as {
      headers: Record<string, unknown>
      content: { 'application/json': { schema: { $ref: string } } }
    }
    expect(Object.keys(accepted.headers).sort()).toEqual(
      ['Location', 'Preference-Applied', 'X-Correlation-Id'].sort(),
    )
    expect(resolvePointer(doc, accepted.content['application/json'].schema.$ref)).toMatchObject({
      required: ['jobId', 'state', 'statusUrl'],
    })

    const status = doc.paths['/jobs/{id}']?.get as Op
    expect(status.security).toEqual([])
    expect(status.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['id', 'path', true],
      ['token', 'query', true],
      ['wait', 'query', false],
    ])
    expect(Object.keys(status.responses).sort()).toEqual(['200', '400', '404'])
    const job = resolvePointer(doc, '#/components/schemas/JobStatus') as {
      properties: Record<string, unknown>
    }
    // The status never carries the input.
    expect(Object.keys(job.properties)).not.toContain('input')
    expect(Object.keys(job.properties)).toEqual(
      expect.arrayContaining(['state', 'attempts', 'output', 'error']),
    )
  })

  it('lists a channel whose service is not loaded, marked as such', async () => {
    const { doc } = await fetchDoc()
    const ghost = doc.paths['/ghost']?.get as Op
    expect(ghost['x-forcebridge-service-loaded']).toBe(false)
    expect(ghost.description).toContain("'not.deployed' is not loaded")
  })

  it('shows a channel added after the first fetch, and a service registered later', async () => {
    await fetchDoc()
    await store.channels.add({
      method: 'POST',
      path: '/late/:code',
      service: 'late.service',
      securityDefinitionId: null,
    })
    const { doc } = await fetchDoc()
    expect(doc.paths['/late/{code}']?.post?.['x-forcebridge-service-loaded']).toBe(false)
    expect(structuralProblems(doc)).toEqual([])

    runtime.registry.register(
      defineService({
        name: 'late.service',
        input: z.object({ code: z.string(), n: z.number() }),
        handle: () => 1,
      }),
    )
    const after = (await fetchDoc()).doc.paths['/late/{code}']?.post as Op
    expect(after['x-forcebridge-service-loaded']).toBeUndefined()
    expect(after.requestBody?.content['application/json'].schema).toMatchObject({
      properties: { n: { type: 'number' } },
      required: ['n'],
    })
  })
})

describe('FORCEBRIDGE_OPENAPI', () => {
  it('is public by default and refuses other values than public or off', () => {
    expect(loadConfig({}).openapi).toBe('public')
    expect(loadConfig({ FORCEBRIDGE_OPENAPI: 'off' }).openapi).toBe('off')
    expect(() => loadConfig({ FORCEBRIDGE_OPENAPI: 'private' })).toThrow(
      /FORCEBRIDGE_OPENAPI must be public or off/,
    )
  })

  it('off: the server answers 404 at /openapi.json', async () => {
    const offStore = await openStore({ home: join(dir, 'off') })
    const off = await createRuntime({
      store: offStore,
      log: createLogger({ level: 'silent' }),
      watch: false,
      openapi: 'off',
    })
    try {
      const url = await off.listen('127.0.0.1', 0)
      const res = await fetch(`${url}/openapi.json`)
      expect(res.status).toBe(404)
      await res.body?.cancel()
    } finally {
      await off.close()
      await offStore.close()
    }
  })
})
