// Checks the `signature` of a token answer: base64(HMAC-SHA256(key = consumer secret,
// message = id + issued_at)), salesforce-api.md §1.8 (django-salesforce checks it the same way).

import { createHmac, timingSafeEqual } from 'node:crypto'

export function computeTokenSignature(clientSecret: string, id: string, issuedAt: string): string {
  return createHmac('sha256', clientSecret)
    .update(id + issuedAt)
    .digest('base64')
}

export function isTokenSignatureValid(
  clientSecret: string,
  id: string,
  issuedAt: string,
  signature: string,
): boolean {
  const expected = Buffer.from(computeTokenSignature(clientSecret, id, issuedAt))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
