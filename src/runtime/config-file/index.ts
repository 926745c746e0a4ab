// Config as code: export the store's connections, security definitions, channels and schedules
// as YAML with secrets as `${VAR}` references, and import such a file idempotently.
export { exportConfig, type ExportedConfig } from './export-config.js'
export { readConfig, type ConfigFile } from './read-config.js'
export {
  applyConfig,
  type ApplyOptions,
  type ApplySummary,
  type KindSummary,
} from './apply-config.js'
export { ConfigFileError, formatIssue, type ConfigIssue } from './config-file-error.js'
export { envStem } from './env-names.js'
