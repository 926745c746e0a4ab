// The public entry `forcebridge/testing`: an emulated org and your services in one process, for
// tests that run offline (docs/testing.md).
export { startTestbed, type Testbed, type TestbedInvokeOptions } from './start-testbed.js'
export type { TestbedOptions, TestbedChannel } from './testbed-options.js'
export type { TestbedRequestOptions } from './testbed-request.js'
export type { EmulatorHandle, OrgFile } from '../emulator/index.js'
