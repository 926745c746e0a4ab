// Event subscriptions for the admin API and the dashboard: list, show, pause, resume, reset the
// position (earliest, latest or a replay id) and retry a parked dead letter, each audited as the
// CLI's `forcebridge subscription` audits it. A change moves the subscription's fence, so the
// consumer holding it picks the change up at once.
import { z } from 'zod'
import { resetPosition } from '../../runtime/index.js'
import type { DeadLetterInfo, SubscriptionInfo } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { AdminContext } from '../admin-context.js'

const resetBody = z.object({ to: z.string().trim().min(1) }).strict()

export type SubscriptionView = SubscriptionInfo & {
  /** The dead letters without their events (which can be large). */
  deadLetterList: Omit<DeadLetterInfo, 'events'>[]
}

export function listSubscriptions(ctx: AdminContext): Promise<SubscriptionInfo[]> {
  return ctx.store.subscriptions.list()
}

async function found(ctx: AdminContext, service: string): Promise<SubscriptionInfo> {
  const row = await ctx.store.subscriptions.find(service)
  if (!row) {
    throw new ForcebridgeError(
      'SUBSCRIPTION_NOT_FOUND',
      `no subscription for service '${service}'; list them at GET /admin/api/subscriptions`,
    )
  }
  return row
}

export async function getSubscription(
  ctx: AdminContext,
  service: string,
): Promise<SubscriptionView> {
  const row = await found(ctx, service)
  const letters = await ctx.store.deadLetters.list(service)
  return { ...row, deadLetterList: letters.map(({ events: _events, ...rest }) => rest) }
}

/** Pauses (`paused`) or resumes (`active`); `changed` is false when it was so already. */
export async function setSubscriptionState(
  ctx: AdminContext,
  actor: string,
  service: string,
  state: 'paused' | 'active',
): Promise<{ changed: boolean; subscription: SubscriptionInfo }> {
  const before = await found(ctx, service)
  const changed = await ctx.store.subscriptions.setState(service, state, Date.now())
  if (changed) {
    await ctx.store.audit.record({
      actor,
      action: state === 'paused' ? 'subscription.pause' : 'subscription.resume',
      target: service,
      detail: { from: before.state },
    })
  }
  return { changed, subscription: await found(ctx, service) }
}

/** Moves the position: `{ to: 'earliest' | 'latest' | <replay id in base64> }`. */
export async function resetSubscription(
  ctx: AdminContext,
  actor: string,
  service: string,
  raw: unknown,
): Promise<SubscriptionInfo> {
  const { to } = resetBody.parse(raw ?? {})
  const position = resetPosition(to)
  if (position === undefined) {
    throw new ForcebridgeError(
      'INVALID_REQUEST',
      `invalid request: to '${to}' is not earliest, latest or a replay id in base64 (as the subscription shows its position)`,
    )
  }
  const before = await found(ctx, service)
  await ctx.store.subscriptions.setPosition(service, position, Date.now())
  await ctx.store.audit.record({
    actor,
    action: 'subscription.reset',
    target: service,
    detail: { from: before.position, to },
  })
  return found(ctx, service)
}

/** Queues a parked dead letter for a retry by the consumer holding the subscription. */
export async function retryDeadLetter(
  ctx: AdminContext,
  actor: string,
  service: string,
  id: string,
): Promise<{ deadLetter: string; state: 'retry' }> {
  await found(ctx, service)
  const letter = await ctx.store.deadLetters.find(id)
  const moved =
    letter?.service === service &&
    (await ctx.store.deadLetters.move(id, 'parked', 'retry', Date.now()))
  if (!moved) {
    throw new ForcebridgeError(
      'DEAD_LETTER_NOT_FOUND',
      `no parked dead letter '${id}' for '${service}'; see GET /admin/api/subscriptions/${encodeURIComponent(service)}`,
    )
  }
  await ctx.store.audit.record({
    actor,
    action: 'subscription.retry',
    target: service,
    detail: { deadLetter: id },
  })
  return { deadLetter: id, state: 'retry' }
}
