// The files `forcebridge init` writes: a user's integration project with an example service, its
// config as code (secrets as ${ENV} references) and a test that runs offline against the emulator.
// The example is the demo's campaign.create, so `npm run dev` serves it behind the demo's channel.

/** Versions the project depends on: forcebridge's own, and the tools its test and typecheck use. */
export interface TemplateVersions {
  forcebridge: string
  tsx: string
  typescript: string
  typesNode: string
}

/** Relative path → content, in the order they are written and listed. */
export function projectFiles(name: string, v: TemplateVersions): [string, string][] {
  return [
    ['package.json', packageJson(name, v)],
    ['README.md', readme(name)],
    ['forcebridge.yaml', CONFIG],
    ['.env.example', ENV_EXAMPLE],
    ['.gitignore', GITIGNORE],
    ['tsconfig.json', TSCONFIG],
    ['services/campaign-create.ts', SERVICE],
    ['test/campaign-create.test.ts', TEST],
  ]
}

function packageJson(name: string, v: TemplateVersions): string {
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      // The emulator, a connection to it and the demo channel, with your services.
      dev: 'forcebridge dev --services services',
      // Applies forcebridge.yaml to the store (.forcebridge); the variables must be set.
      configure: 'forcebridge import forcebridge.yaml',
      start: 'forcebridge start --services services',
      // The shell expands the glob: Node 20's test runner takes no pattern of its own.
      test: 'node --import tsx --test test/*.test.ts',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { forcebridge: v.forcebridge },
    devDependencies: { '@types/node': v.typesNode, tsx: v.tsx, typescript: v.typescript },
  }
  // JSON has no comments: the notes above are for this file's readers only.
  return JSON.stringify(manifest, null, 2) + '\n'
}

function readme(name: string): string {
  return `# ${name}

Salesforce integration services on [forcebridge](https://www.npmjs.com/package/forcebridge).

- \`npm test\`: runs \`test/\` against an emulated Salesforce org, offline.
- \`npm run dev\`: the emulator and the services in \`services/\`, with ready-to-paste commands.
- \`npm run typecheck\`: checks the services and tests with TypeScript.

For a real org, copy \`.env.example\` to \`.env\`, fill it in, put its variables in the environment
(in a shell: \`set -a; . ./.env; set +a\`), then \`npm run configure\` (applies
\`forcebridge.yaml\` to the store in \`.forcebridge/\`) and \`npm start\`.

\`Segment__c\` is a custom field of the emulator's demo org: create it in your org, or change the
service.
`
}

const CONFIG = `# Connections, API keys and channels as code: \`npm run configure\` applies this file to the
# store (forcebridge import). Secrets are \${VARIABLE} references, read from the environment.
version: 1
connections:
  - name: My Salesforce Connection
    loginUrl: https://login.salesforce.com # a sandbox: https://test.salesforce.com
    authFlow: password
    username: integration@example.com
    clientId: 3MVG9-your-consumer-key
    clientSecret: \${SF_MY_SALESFORCE_CONNECTION_CLIENT_SECRET}
    password: \${SF_MY_SALESFORCE_CONNECTION_PASSWORD}
    securityToken: \${SF_MY_SALESFORCE_CONNECTION_SECURITY_TOKEN}
securityDefinitions:
  - name: partners
    kind: api_key
    apiKey: \${FB_PARTNERS_API_KEY} # callers send it as X-API-Key
channels:
  - method: POST
    path: /api/campaigns
    service: campaign.create
    securityDefinition: partners
`

const ENV_EXAMPLE = `# Copy to .env (never committed) and fill in; forcebridge.yaml reads these.
SF_MY_SALESFORCE_CONNECTION_CLIENT_SECRET=
SF_MY_SALESFORCE_CONNECTION_PASSWORD=
SF_MY_SALESFORCE_CONNECTION_SECURITY_TOKEN=
# At least 16 characters, e.g. from: openssl rand -base64 24
FB_PARTNERS_API_KEY=
# Optional: the master key of secrets at rest (openssl rand -base64 32); default: .forcebridge/secret.key
# FORCEBRIDGE_SECRET_KEY=
`

const GITIGNORE = `node_modules/
.forcebridge/
.env
`

const TSCONFIG =
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2023',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
      },
      include: ['services', 'test'],
    },
    null,
    2,
  ) + '\n'

const SERVICE = `// Creates a Campaign with a segment through the connection 'My Salesforce Connection' and
// answers with its id. forcebridge.yaml exposes it as POST /api/campaigns.
import { defineService, z } from 'forcebridge'

export default defineService({
  name: 'campaign.create',
  description: 'Creates a Campaign with a segment',
  input: z.object({ name: z.string().min(1), segment: z.string() }),
  output: z.object({ id: z.string() }),
  async handle({ input, salesforce, log }) {
    const created = await salesforce('My Salesforce Connection').post<{ id: string }>(
      '/sobjects/Campaign/',
      { Name: input.name, Segment__c: input.segment },
    )
    log.info({ id: created.id }, 'campaign created')
    return { id: created.id }
  },
})
`

const TEST = `// The example service against an emulated Salesforce org, in this process and offline.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startTestbed, type Testbed } from 'forcebridge/testing'

let bed: Testbed

before(async () => {
  bed = await startTestbed({
    services: join(import.meta.dirname, '..', 'services'),
    connection: 'My Salesforce Connection',
    channels: [{ method: 'POST', path: '/api/campaigns', service: 'campaign.create' }],
  })
})

after(() => bed.close())

test('POST /api/campaigns creates the Campaign in the org', async () => {
  const res = await bed.request('POST', '/api/campaigns', {
    json: { name: 'Spring Launch', segment: 'Enterprise' },
  })
  assert.equal(res.status, 200)
  const { id } = (await res.json()) as { id: string }

  const rows = await bed.salesforce
    .query<{ Name: string; Segment__c: string }>(
      \`SELECT Name, Segment__c FROM Campaign WHERE Id = '\${id}'\`,
    )
    .collect({ max: 1 })
  assert.deepEqual(
    rows.map((r) => ({ Name: r.Name, Segment__c: r.Segment__c })),
    [{ Name: 'Spring Launch', Segment__c: 'Enterprise' }],
  )
})

test('a campaign without a name is refused before Salesforce is called', async () => {
  const res = await bed.request('POST', '/api/campaigns', { json: { name: '', segment: 'SMB' } })
  assert.equal(res.status, 400)
  const calls = bed.emulator.stats().requests
  await bed.invoke('campaign.create', { name: '', segment: 'SMB' }).then(
    () => assert.fail('expected INVALID_INPUT'),
    (err: { code?: string }) => assert.equal(err.code, 'INVALID_INPUT'),
  )
  assert.equal(bed.emulator.stats().requests, calls)
})
`
