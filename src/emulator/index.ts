// The emulator's public entry: start a local Salesforce org for development and tests.
export { startEmulator, type EmulatorHandle, type StartEmulatorOptions } from './start-emulator.js'
export type { OrgFile } from './org/org-file.js'
export { parseOrg, loadOrg } from './org/load-org-file.js'
export type { FaultSettings, FaultKind } from './faults/fault-settings.js'
export type { EmulatorStatsView } from './faults/admin-actions.js'
export { idChecksum, toId18, isRecordId } from './ids/record-id.js'
export type { Feature, EmulatorContext, Session } from './server/emulator-context.js'
export type * from './model/index.js'
