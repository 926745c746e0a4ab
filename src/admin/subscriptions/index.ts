// Event subscriptions in the dashboard.
export { subscriptionDetail, subscriptionList } from './subscription-pages.js'
