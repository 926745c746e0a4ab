// Event subscriptions: services bound to Pub/Sub topics, run by one consumer among every process
// sharing the store, their position stored after each handled batch.
export {
  EventSubscriptions,
  DEFAULT_SUBSCRIPTION_LEASE_MS,
  type EventSubscriptionsOptions,
} from './event-subscriptions.js'
export { SubscriptionRunner, type SubscriptionSignal } from './subscription-runner.js'
export { orgIdOf } from './event-batch-consumer.js'
export { eventsToJson, eventsFromJson } from './event-json.js'
export { resetPosition } from './reset-position.js'
