// What the cluster benchmark's nodes serve, written before they start: one connection ('crm', to
// the emulator), an API key, and a channel POST /api/invoices for a service that upserts an
// Invoice__c by its external id (Number__c), in the database all nodes share; the service file in
// each node's services folder (as `forcebridge deploy` would leave it on every node).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openStore } from '../../src/store/index.js'

export const INVOICE_SERVICE = `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'invoice.upsert',
  input: z.object({ number: z.string().min(1).max(40), amount: z.number() }),
  handle: ({ input, salesforce }) =>
    salesforce('crm').sobject('Invoice__c').upsert('Number__c', input.number, { Amount__c: input.amount }),
})
`

export const INVOICES_PATH = '/api/invoices'

/** Seeds the database at `databaseUrl` and the homes dir/node-0 … node-(nodes-1); answers the API key. */
export async function seedCluster(options: {
  databaseUrl: string
  secretKey: string
  dir: string
  nodes: number
  emulatorUrl: string
}): Promise<string> {
  const store = await openStore({
    home: join(options.dir, 'seed'),
    secretKey: options.secretKey,
    database: { dialect: 'postgres', url: options.databaseUrl },
  })
  try {
    await store.connections.add({
      name: 'crm',
      loginUrl: options.emulatorUrl,
      authFlow: 'password',
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      clientId: '3MVG9forcebridge.demo.consumer.key',
      clientSecret: 'forcebridge-demo-consumer-secret',
    })
    const { definition, key } = await store.security.createApiKey('bench-key')
    await store.channels.add({
      method: 'POST',
      path: INVOICES_PATH,
      service: 'invoice.upsert',
      securityDefinitionId: definition.id,
    })
    for (let i = 0; i < options.nodes; i++) {
      const services = join(options.dir, `node-${i}`, 'services')
      mkdirSync(services, { recursive: true })
      writeFileSync(join(services, 'invoice-upsert.ts'), INVOICE_SERVICE)
    }
    return key
  } finally {
    await store.close()
  }
}
