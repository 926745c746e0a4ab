// Apex REST calls under /services/apexrest/.
export { Apex } from './apex.js'
export type { ApexCallOptions } from './apex.js'
