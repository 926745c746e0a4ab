import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/runtime/index.js'

describe('runtime logger', () => {
  it('redacts credentials in headers and secret fields at any usual depth', () => {
    const lines: string[] = []
    const log = createLogger({ destination: { write: (l: string) => void lines.push(l) } })
    log.info(
      {
        req: { headers: { authorization: 'Bearer tok-1', 'x-api-key': 'key-2', host: 'h' } },
        password: 'pw-3',
        connection: { clientSecret: 'cs-4', securityToken: 'st-5', name: 'CRM' },
        token: { body: { access_token: 'at-6' } },
      },
      'call',
    )
    const text = lines.join('')
    for (const secret of ['tok-1', 'key-2', 'pw-3', 'cs-4', 'st-5', 'at-6'])
      expect(text).not.toContain(secret)
    expect(text).toContain('CRM')
    expect(text).toContain('[redacted]')
  })
})
