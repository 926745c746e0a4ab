// The runtime's pino logger, with every place a secret could appear redacted: credentials in
// headers, and password/token/secret fields at any depth a log call is likely to use.
import { pino, type DestinationStream, type Logger } from 'pino'

const SECRET_KEYS = [
  'password',
  'securityToken',
  'clientSecret',
  'client_secret',
  'privateKey',
  'refreshToken',
  'refresh_token',
  'accessToken',
  'access_token',
  'apiKey',
  'secretKey',
  'authorization',
]

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
]

export interface LoggerOptions {
  level?: string
  /** Where JSON lines go; default stdout. Tests pass a stream to read them. */
  destination?: DestinationStream
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'forcebridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination,
  )
}
