// Logging: the pino logger with secrets redacted, and child loggers made only when used.
export { createLogger, REDACT_PATHS, type LoggerOptions } from './create-logger.js'
export { LazyChildLogger, lazyChildLoggerFactory } from './lazy-child-logger.js'
