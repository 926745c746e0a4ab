// Settings from the environment (FORCEBRIDGE_*), parsed once at start. A face of its own, light
// to import: the CLI loads it without the rest of the runtime (see src/cli/load-on-use.ts).
export { loadConfig, storeOptionsOf, DEFAULT_REDIS_PREFIX, type Config } from './load-config.js'
export { blockListOf, publicUrlOf } from './address-settings.js'
