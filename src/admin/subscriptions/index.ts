// Event subscriptions in the admin API and the dashboard.
export {
  getSubscription,
  listSubscriptions,
  resetSubscription,
  retryDeadLetter,
  setSubscriptionState,
  type SubscriptionView,
} from './subscription-actions.js'
export { subscriptionDetail, subscriptionList } from './subscription-pages.js'
