// The Pub/Sub side of an emulated org, assembled: the event log, schemas, change events from
// every committed write, platform events, faults, the REST publish route and the gRPC server.

import { ForcebridgeError } from '../../util/index.js'
import type { SessionStore } from '../auth/session-store.js'
import type { FaultInjector } from '../faults/fault-injector.js'
import type { OrgConfig } from '../org/org-file.js'
import type { OrgStore } from '../org/org-store.js'
import type { Feature } from '../server/emulator-context.js'
import { ChangeEvents } from './change-events.js'
import { EventLog, type RetentionOptions } from './event-log.js'
import { PlatformEvents } from './platform-events.js'
import { platformEventFeature } from './platform-event-routes.js'
import { PubSubFaults } from './pubsub-faults.js'
import { startPubSubServer, type PubSubServer } from './pubsub-server.js'
import { SchemaRegistry } from './schema-registry.js'

export interface PubSubOptions {
  /** Port of the gRPC server. Default 0: a free port. */
  port?: number
  /** Idle time before a keepalive on a Subscribe stream. Default 270,000 ms (Salesforce's). */
  keepaliveMs?: number
  /** Events kept per topic and for how long. Default 100,000 events, 72 hours. */
  retention?: RetentionOptions
  /** Changes of one entity in one transaction past which a GAP_OVERFLOW stands for the rest. Default 100,000. */
  overflowThreshold?: number
}

export interface PubSubState {
  config: OrgConfig
  store: OrgStore
  sessions: SessionStore
  faults: FaultInjector
  orgId: string
  instanceUrl(): string
  now(): Date
}

export class EmulatorPubSub {
  readonly log: EventLog
  readonly registry = new SchemaRegistry()
  readonly platformEvents: PlatformEvents
  readonly feature: Feature
  private readonly faults: PubSubFaults
  private server: PubSubServer | undefined

  constructor(
    private readonly state: PubSubState,
    private readonly options: PubSubOptions = {},
  ) {
    const { config, store } = state
    const now = () => state.now()
    this.log = new EventLog(now, options.retention)
    this.faults = new PubSubFaults(
      () => state.faults.pubsub,
      () => state.sessions.expireAll(),
    )
    const selected = config.events.changeDataCapture.map((name) => {
      const obj = store.getObject(name)
      if (!obj)
        throw new ForcebridgeError(
          'INVALID_ORG_FILE',
          `events.changeDataCapture names ${name}, which is not an object of the org; name a standard object or one under objects`,
        )
      return obj
    })
    const changes = new ChangeEvents(this.log, this.registry, selected, now, {
      gap: () => this.faults.gap(),
      ...(options.overflowThreshold === undefined
        ? {}
        : { overflowThreshold: options.overflowThreshold }),
    })
    if (selected.length > 0) store.onCommit(changes.onCommit)
    this.platformEvents = new PlatformEvents(
      this.log,
      this.registry,
      config.events.platformEvents,
      now,
    )
    this.feature = platformEventFeature(this.platformEvents)
  }

  /** Start the gRPC server; returns its port. */
  async listen(host: string): Promise<number> {
    const { state } = this
    this.server = await startPubSubServer(
      {
        sessions: state.sessions,
        orgId: state.orgId,
        instanceUrl: () => state.instanceUrl(),
        log: this.log,
        registry: this.registry,
        platformEvents: this.platformEvents,
        faults: this.faults,
        keepaliveMs: this.options.keepaliveMs ?? 270_000,
      },
      { host, port: this.options.port ?? 0 },
    )
    return this.server.port
  }

  async close(): Promise<void> {
    this.state.store.onCommit(undefined)
    await this.server?.close()
  }
}
