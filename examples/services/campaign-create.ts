// The seed's service: creates a Campaign with a name and a segment through the connection
// 'My Salesforce Connection', and answers with the new record's id.
// Exposed by the demo on the channel POST /api/campaigns.
import { defineService, z } from 'forcebridge'

export default defineService({
  name: 'campaign.create',
  description: 'Creates a Campaign with a segment in the org of My Salesforce Connection',
  input: z.object({ name: z.string().min(1), segment: z.string() }),
  output: z.object({ id: z.string() }),
  async handle({ input, salesforce, log }) {
    const client = salesforce('My Salesforce Connection')
    // Salesforce answers 201 { id, success, errors } (salesforce-api.md §2.3).
    const created = await client.post<{ id: string }>('/sobjects/Campaign/', {
      Name: input.name,
      Segment__c: input.segment,
    })
    log.info({ id: created.id }, 'campaign created')
    return { id: created.id }
  },
})
