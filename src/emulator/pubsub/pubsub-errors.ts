// Errors of the Pub/Sub API as Salesforce ends a call: a gRPC status, the reason in the
// `error-code` trailer and the call's id in `rpc-id`; `details` ends with the rpc id.

import { Metadata, status, type StatusObject } from '@grpc/grpc-js'

const PREFIX = 'sfdc.platform.eventbus.grpc'

/** Reasons with their status. Codes marked [I] in docs/emulator.md are our choice. */
export const PUBSUB_ERRORS = {
  auth: { code: status.UNAUTHENTICATED, reason: `${PREFIX}.service.auth.error` },
  unavailable: { code: status.UNAVAILABLE, reason: `${PREFIX}.service.unavailable` },
  replayCorrupted: {
    code: status.INVALID_ARGUMENT,
    reason: `${PREFIX}.subscription.fetch.replayid.corrupted`,
  },
  replayInvalid: {
    code: status.INVALID_ARGUMENT,
    reason: `${PREFIX}.subscription.fetch.replayid.validation.failed`,
  },
  topicNotFound: { code: status.NOT_FOUND, reason: `${PREFIX}.topic.not.found` },
  topicMismatch: { code: status.INVALID_ARGUMENT, reason: `${PREFIX}.subscription.topic.mismatch` },
  invalidRequest: { code: status.INVALID_ARGUMENT, reason: `${PREFIX}.request.invalid` },
  schemaNotFound: { code: status.NOT_FOUND, reason: `${PREFIX}.schema.not.found` },
  publishDenied: { code: status.PERMISSION_DENIED, reason: `${PREFIX}.publish.permission.denied` },
} as const

export type PubSubErrorKind = keyof typeof PUBSUB_ERRORS

export function pubsubError(
  kind: PubSubErrorKind,
  message: string,
  rpcId: string,
): Partial<StatusObject> & { code: status; details: string; metadata: Metadata } {
  const { code, reason } = PUBSUB_ERRORS[kind]
  const metadata = new Metadata()
  metadata.set('error-code', reason)
  metadata.set('rpc-id', rpcId)
  return { code, details: `${message} rpcId: ${rpcId}`, metadata }
}
