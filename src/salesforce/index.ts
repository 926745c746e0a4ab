// The Salesforce client library's face for the other src folders: everything the package entry
// (public.ts, `forcebridge/salesforce`) exports, and the few internals they or tests need.
export * from './public.js'
export { parseLimitInfo } from './limit-info.js'
