// The emulator's public entry: start a local Salesforce org for development and tests.
export { startEmulator, type EmulatorHandle, type StartEmulatorOptions } from './start-emulator.js'
export type { OrgFile } from './org/org-file.js'
export type { BulkOptions } from './bulk/index.js'
export { parseOrg, loadOrg } from './org/load-org-file.js'
/** The built-in demo org that startEmulator serves when no org is given; spread it to extend it. */
export { defaultOrg } from './org/default-org.js'
export type { FaultSettings, FaultKind } from './faults/fault-settings.js'
export type { EmulatorStatsView } from './faults/admin-actions.js'
export { idChecksum, toId18, isRecordId } from './ids/record-id.js'
export type { Feature, EmulatorContext, Session } from './server/emulator-context.js'
export type * from './model/index.js'
export type { ApexRestHandler, ApexRestRequest, ApexRestResponse } from './apexrest/index.js'
