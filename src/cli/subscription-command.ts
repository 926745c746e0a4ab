// `forcebridge subscription list|show|pause|resume|reset|retry`: the event subscriptions of event
// services, read and changed in the store the servers use. A change moves the subscription's
// fence, so the consumer holding it picks the change up at once; each one is audited.
import type { Command } from 'commander'
import type { Store, SubscriptionInfo } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'
import { cell, formatTable } from './text-table.js'

function print(text: string): void {
  process.stdout.write(`${text}\n`)
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString())

async function found(store: Store, service: string): Promise<SubscriptionInfo> {
  const row = await store.subscriptions.find(service)
  if (!row) {
    throw new ForcebridgeError(
      'SUBSCRIPTION_NOT_FOUND',
      `no subscription for service '${service}'; see: forcebridge subscription list`,
    )
  }
  return row
}

/** `earliest`, `latest` or the base64 of replay id bytes, as `show` prints the position. */
export async function positionOf(to: string): Promise<string> {
  const { resetPosition } = await import('../runtime/index.js')
  const position = resetPosition(to)
  if (position !== undefined) return position
  throw new ForcebridgeError(
    'INVALID_ARGUMENTS',
    `--to ${to}: use earliest, latest or a replay id in base64 (as 'subscription show' prints it)`,
  )
}

export function subscriptionCommand(program: Command): void {
  const sub = program
    .command('subscription')
    .description("event services' subscriptions: position, state, dead letters")

  sub
    .command('list')
    .description('every subscription with its state and counts')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withStore(async ({ store }) => {
        const all = await store.subscriptions.list()
        if (flags.json) return print(JSON.stringify(all, null, 2))
        if (all.length === 0)
          return print('no subscriptions (a server starts one per event service)')
        print(
          formatTable(
            ['SERVICE', 'TOPIC', 'CONNECTION', 'STATE', 'HANDLED', 'DEAD', 'HOLDER', 'UPDATED'],
            all.map((s) => [
              s.service,
              s.topic,
              s.connection,
              s.state,
              cell(s.eventsHandled),
              cell(s.deadLetters),
              cell(s.leaseOwner),
              iso(s.updatedAt),
            ]),
          ),
        )
      })
    })

  sub
    .command('show <service>')
    .description('one subscription: position, lease, last error and parked dead letters')
    .option('--json', 'print JSON')
    .action(async (service: string, flags: { json?: boolean }) => {
      await withStore(async ({ store }) => {
        const s = await found(store, service)
        const letters = await store.deadLetters.list(service)
        const summary = letters.map(({ events: _events, ...rest }) => rest)
        if (flags.json) return print(JSON.stringify({ ...s, deadLetterList: summary }, null, 2))
        const lines = [
          `service:      ${s.service}`,
          `topic:        ${s.topic} (connection ${s.connection})`,
          `state:        ${s.state}`,
          `position:     ${s.position ?? '(none yet: starts at the service’s replay setting)'}`,
          `org:          ${s.orgId ?? ''}`,
          `lease:        ${s.leaseOwner ? `${s.leaseOwner} until ${iso(s.leaseUntil)}` : 'free'} (fence ${s.fence})`,
          `handled:      ${s.eventsHandled} events in ${s.batchesHandled} batches`,
          `last event:   ${iso(s.lastEventAt)}`,
          `last error:   ${s.lastError ?? ''}`,
          `dead letters: ${letters.filter((l) => l.state !== 'resolved').length} open`,
        ]
        for (const l of letters) {
          lines.push(
            `  ${l.id}  ${l.state}  ${l.eventCount} events  ${iso(l.createdAt)}  ${l.error}`,
          )
        }
        print(lines.join('\n'))
      })
    })

  for (const [name, state, done] of [
    ['pause', 'paused', 'paused: its consumer stops after the batch in hand'],
    ['resume', 'active', 'resumed from its stored position'],
  ] as const) {
    sub
      .command(`${name} <service>`)
      .description(name === 'pause' ? 'stop consuming (the position is kept)' : 'consume again')
      .action(async (service: string) => {
        await withStore(async ({ store }) => {
          const before = await found(store, service)
          const changed = await store.subscriptions.setState(service, state, Date.now())
          if (!changed) return print(`subscription '${service}' is ${before.state} already`)
          await store.audit.record({
            actor: 'cli',
            action: `subscription.${name}`,
            target: service,
            detail: { from: before.state },
          })
          print(`✓ subscription '${service}' ${done}`)
        })
      })
  }

  sub
    .command('reset <service>')
    .description('move the position: the consumer starts again from there')
    .requiredOption('--to <where>', 'earliest, latest, or a replay id (base64)')
    .action(async (service: string, flags: { to: string }) => {
      const position = await positionOf(flags.to)
      await withStore(async ({ store }) => {
        const before = await found(store, service)
        await store.subscriptions.setPosition(service, position, Date.now())
        await store.audit.record({
          actor: 'cli',
          action: 'subscription.reset',
          target: service,
          detail: { from: before.position, to: flags.to },
        })
        print(`✓ subscription '${service}' reset to ${flags.to}`)
      })
    })

  sub
    .command('retry <service> <deadLetterId>')
    .description('hand a parked dead letter to the service again (by the consumer holding it)')
    .action(async (service: string, id: string) => {
      await withStore(async ({ store }) => {
        await found(store, service)
        const letter = await store.deadLetters.find(id)
        const moved =
          letter?.service === service &&
          (await store.deadLetters.move(id, 'parked', 'retry', Date.now()))
        if (!moved) {
          throw new ForcebridgeError(
            'DEAD_LETTER_NOT_FOUND',
            `no parked dead letter '${id}' for '${service}'; see: forcebridge subscription show ${service}`,
          )
        }
        await store.audit.record({
          actor: 'cli',
          action: 'subscription.retry',
          target: service,
          detail: { deadLetter: id },
        })
        print(`✓ dead letter ${id} queued for a retry by the consumer of '${service}'`)
      })
    })
}
