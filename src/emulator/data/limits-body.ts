// The body of `GET /limits` (salesforce-api.md §5): DailyApiRequests from the live counter,
// and a realistic set of the org's other limits (static: the emulator does not track them).

import type { EmulatorState } from '../server/emulator-state.js'

const STATIC_LIMITS: Record<string, number> = {
  ActiveScratchOrgs: 3,
  AnalyticsExternalDataSizeMB: 40960,
  ConcurrentAsyncGetReportInstances: 200,
  ConcurrentSyncReportRuns: 20,
  DailyAnalyticsDataflowJobExecutions: 60,
  DailyAsyncApexExecutions: 250000,
  DailyBulkApiBatches: 15000,
  DailyBulkV2QueryFileStorageMB: 976562,
  DailyBulkV2QueryJobs: 10000,
  DailyDurableGenericStreamingApiEvents: 10000,
  DailyDurableStreamingApiEvents: 10000,
  DailyGenericStreamingApiEvents: 10000,
  DailyScratchOrgs: 6,
  DailyStandardVolumePlatformEvents: 10000,
  DailyStreamingApiEvents: 10000,
  DailyWorkflowEmails: 390,
  DataStorageMB: 5,
  FileStorageMB: 20,
  HourlyAsyncReportRuns: 1200,
  HourlyDashboardRefreshes: 200,
  HourlyDashboardResults: 5000,
  HourlyDashboardStatuses: 999999999,
  HourlyODataCallout: 10000,
  HourlySyncReportRuns: 500,
  HourlyTimeBasedWorkflow: 50,
  MassEmail: 10,
  SingleEmail: 15,
  StreamingApiConcurrentClients: 20,
}

export function limitsBody(
  state: EmulatorState,
): Record<string, { Max: number; Remaining: number }> {
  const out: Record<string, { Max: number; Remaining: number }> = {}
  for (const [name, max] of Object.entries(STATIC_LIMITS)) {
    // Keep Salesforce's alphabetical order: DailyApiRequests sits before DailyAsyncApexExecutions.
    if (name === 'DailyAsyncApexExecutions') {
      out.DailyApiRequests = { Max: state.limits.max(), Remaining: state.limits.remaining() }
    }
    out[name] =
      name === 'DailyBulkApiBatches'
        ? { Max: state.bulkBatches.max(), Remaining: state.bulkBatches.remaining() }
        : { Max: max, Remaining: max }
  }
  return out
}
