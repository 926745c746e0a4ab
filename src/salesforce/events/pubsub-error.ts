// The error of a Pub/Sub API call: the gRPC status, Salesforce's reason (trailer `error-code`)
// and the call's rpc id (trailer `rpc-id`), so a support case can name the call.

import { status, type ServiceError } from '@grpc/grpc-js'
import { SalesforceError } from '../salesforce-error.js'

/** Reasons in the `error-code` trailer for a replay id Salesforce will not resume from. */
const REPLAY_REASONS = /replayid\.(corrupted|validation\.failed)/

export class PubSubError extends SalesforceError {
  /** The gRPC status code (e.g. 3 INVALID_ARGUMENT, 14 UNAVAILABLE, 16 UNAUTHENTICATED). */
  readonly grpcCode: status
  /** Salesforce's reason, e.g. `sfdc.platform.eventbus.grpc.service.auth.error`; '' when absent. */
  readonly errorCode: string
  readonly rpcId: string
  readonly topic: string | undefined

  constructor(connection: string, err: ServiceError, topic?: string) {
    const errorCode = String(err.metadata?.get('error-code')[0] ?? '')
    const rpcId = String(err.metadata?.get('rpc-id')[0] ?? '')
    const replay = REPLAY_REASONS.test(errorCode)
    const where = topic ? ` on ${topic}` : ''
    super(
      replay ? 'REPLAY_ID_INVALID' : 'PUBSUB_ERROR',
      replay
        ? `connection '${connection}': Salesforce refused the replay id${where} (${errorCode}); it is malformed or older than the retention window (72 hours): resume from 'earliest' or 'latest' and reconcile`
        : `connection '${connection}': the Pub/Sub API ended the call${where} with ${status[err.code] ?? err.code}${errorCode ? ` (${errorCode})` : ''}: ${err.details}`,
      { connection, cause: err },
    )
    this.name = 'PubSubError'
    this.grpcCode = err.code
    this.errorCode = errorCode
    this.rpcId = rpcId
    this.topic = topic
  }

  /** True when the call was refused for its token: get a new one and call again. */
  get isAuthError(): boolean {
    return this.grpcCode === status.UNAUTHENTICATED || this.errorCode.endsWith('auth.error')
  }
}

/** gRPC statuses after which a stream or call may be made again (the server or network failed). */
const TRANSIENT: ReadonlySet<status> = new Set([
  status.UNAVAILABLE,
  status.INTERNAL,
  status.UNKNOWN,
  status.ABORTED,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.CANCELLED,
])

export function isTransient(code: status): boolean {
  return TRANSIENT.has(code)
}
