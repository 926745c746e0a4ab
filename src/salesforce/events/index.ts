// Salesforce's Pub/Sub API (gRPC, Avro): subscriptions with flow control and resume, publishing.
export { EventsClient, DEFAULT_PUBSUB_ENDPOINT } from './events-client.js'
export type { EventsClientOptions, PublishResult, TopicInfo } from './events-client.js'
export { EventSubscription } from './event-subscription.js'
export type { ReplayFrom, SubscribeOptions, SubscriptionStatus } from './event-subscription.js'
export type { PubSubEvent, PubSubEventKind, ChangeEventHeader } from './pubsub-event.js'
export { PubSubError } from './pubsub-error.js'
