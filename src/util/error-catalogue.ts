// Every error code forcebridge itself raises or answers with: its HTTP status, what a channel
// caller is shown, and what it means. The only place a code is given a status (errorAnswer).

/** What a channel (public HTTP) caller gets for a code; absent: a 500 with a correlation id. */
export interface ChannelAnswer {
  /** The channel's status when it differs from the entry's (a missing connection is a 503 there). */
  readonly status?: number
  /** `message`: code and message; `code`: the code only; `none`: the exchange ends unanswered. */
  readonly shows: 'message' | 'code' | 'none'
}

export interface CatalogueEntry {
  /** HTTP status of an answer carrying this code (the admin API answers every code with it). */
  readonly status: number
  /** One line: what happened. */
  readonly meaning: string
  readonly channel?: ChannelAnswer
}

const SHOWN = { shows: 'message' } as const
const UNAVAILABLE = { status: 503, shows: 'message' } as const

export const errorCatalogue = {
  // Answers of channels (docs/channels.md).
  INVALID_INPUT: {
    status: 400,
    meaning: "the input does not match the service's schema",
    channel: SHOWN,
  },
  BAD_REQUEST: {
    status: 400,
    meaning:
      'malformed JSON, a forbidden JSON key (__proto__), unsupported media type or an undecodable URL',
    channel: SHOWN,
  },
  INVALID_IDEMPOTENCY_KEY: {
    status: 400,
    meaning: "an asynchronous call's Idempotency-Key is not acceptable",
    channel: SHOWN,
  },
  UNAUTHORIZED: {
    status: 401,
    meaning: 'the credential or admin session is missing or wrong',
    channel: { shows: 'code' },
  },
  NOT_FOUND: {
    status: 404,
    meaning: 'no channel or job answers this method and path',
    channel: SHOWN,
  },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'the request body is over the limit', channel: SHOWN },
  RATE_LIMITED: { status: 429, meaning: "the channel's rate limit is spent", channel: SHOWN },
  INTERNAL_ERROR: {
    status: 500,
    meaning: 'a bug in a service or in forcebridge; the log has the details',
  },
  SALESFORCE_ERROR: {
    status: 502,
    meaning: 'Salesforce refused or failed the call',
    channel: SHOWN,
  },
  SALESFORCE_LOGIN_FAILED: {
    status: 502,
    meaning: 'the connection could not log in',
    channel: SHOWN,
  },
  CONNECTION_NOT_FOUND: {
    status: 404,
    meaning: 'no connection has this name',
    channel: UNAVAILABLE,
  },
  CONNECTION_INACTIVE: { status: 503, meaning: 'the connection is switched off', channel: SHOWN },
  CONNECTION_UNUSABLE: {
    status: 503,
    meaning: 'the connection cannot be used (its secrets cannot be read)',
    channel: SHOWN,
  },
  SERVICE_NOT_FOUND: {
    status: 404,
    meaning: 'no service has this name, or it is not loaded',
    channel: UNAVAILABLE,
  },
  SERVICE_SETTINGS_INVALID: {
    status: 500,
    meaning: "the service's stored settings fail its schema",
    channel: UNAVAILABLE,
  },
  AUTH_UNAVAILABLE: {
    status: 503,
    meaning: 'a JWKS URL did not answer, or too many credential checks wait',
    channel: { shows: 'code' },
  },
  SHUTTING_DOWN: { status: 503, meaning: 'the server is draining before it stops', channel: SHOWN },
  SERVICE_TIMEOUT: {
    status: 504,
    meaning: 'the service ran past its time budget',
    channel: { shows: 'code' },
  },
  CALLER_GONE: {
    status: 500,
    meaning: 'the HTTP caller closed the connection; nobody reads an answer',
    channel: { shows: 'none' },
  },
  ASYNC_UNAVAILABLE: {
    status: 500,
    meaning: 'an asynchronous call was asked of a runtime without a queue',
  },

  // The admin API (docs/admin.md); suffixes used to decide these: *_NOT_FOUND 404, *_EXISTS 409, INVALID_* 400.
  CSRF_REJECTED: {
    status: 403,
    meaning: 'a state-changing admin request without the right CSRF token',
  },
  SIGN_IN_RATE_LIMITED: { status: 429, meaning: 'too many failed admin sign-ins; wait' },
  LOCKOUT_NOT_FOUND: { status: 404, meaning: 'no sign-in lock-out has this key (now)' },
  QUEUE_NOT_CONFIGURED: { status: 501, meaning: 'the server runs without a job queue' },
  SCHEDULER_NOT_CONFIGURED: { status: 501, meaning: 'the server runs without a scheduler' },
  JOB_NOT_RETRYABLE: { status: 409, meaning: 'only a dead job can be retried' },
  JOB_RUNNER_STARTED: { status: 500, meaning: 'a job runner was started twice (a bug)' },
  SECURITY_IN_USE: { status: 409, meaning: 'a channel still uses this security definition' },
  JOB_NOT_FOUND: { status: 404, meaning: 'no job has this id' },
  SCHEDULE_NOT_FOUND: { status: 404, meaning: 'no schedule has this name' },
  SUBSCRIPTION_NOT_FOUND: { status: 404, meaning: 'no event subscription has this service name' },
  DEAD_LETTER_NOT_FOUND: { status: 404, meaning: 'no parked dead letter has this id' },
  SECURITY_NOT_FOUND: { status: 404, meaning: 'no security definition has this name' },
  CHANNEL_NOT_FOUND: { status: 404, meaning: 'no channel has this id or path' },
  PACKAGE_NOT_FOUND: { status: 404, meaning: 'no deployed service package has this id' },
  FILE_NOT_FOUND: { status: 404, meaning: 'a file named on the command line does not exist' },
  TESTBED_SERVICES_NOT_FOUND: {
    status: 404,
    meaning: "the testbed's services folder does not exist",
  },
  SERVICE_EXISTS: { status: 409, meaning: 'a service with this name exists' },
  SECURITY_EXISTS: { status: 409, meaning: 'a security definition with this name exists' },
  CONNECTION_EXISTS: { status: 409, meaning: 'a connection with this name exists' },
  CHANNEL_EXISTS: { status: 409, meaning: 'a channel with this method and path exists' },
  SCHEDULE_EXISTS: { status: 409, meaning: 'a schedule with this name exists' },
  INVALID_REQUEST: {
    status: 400,
    meaning:
      "the admin request's body or query fails its schema; the client's request() without method or path",
  },
  INVALID_ARGUMENTS: { status: 400, meaning: 'command-line arguments that do not fit together' },
  INVALID_OPTIONS: {
    status: 400,
    meaning: 'options given to a constructor or createClient are invalid',
  },
  INVALID_SCHEDULE: { status: 400, meaning: 'a schedule (cron, service, input) is invalid' },
  INVALID_JOB_REQUEST: { status: 400, meaning: 'a job to enqueue is invalid' },
  INVALID_CONNECTION: { status: 400, meaning: 'connection settings are invalid' },
  INVALID_SETTINGS: { status: 400, meaning: "settings fail the service's schema" },
  INVALID_SERVICE: { status: 400, meaning: 'a service module or its definition is invalid' },
  INVALID_SECURITY: { status: 400, meaning: 'a security definition is invalid' },
  INVALID_SECRET_KEY: { status: 400, meaning: 'FORCEBRIDGE_SECRET_KEY is not a valid key' },
  INVALID_OUTPUT: { status: 400, meaning: "a service's result fails its output schema" },
  INVALID_CHANNEL: { status: 400, meaning: 'a channel definition is invalid' },
  INVALID_ADMIN_USER: { status: 400, meaning: 'an admin user name or password is not acceptable' },
  INVALID_WORKER_OPTIONS: { status: 400, meaning: 'job worker options are invalid' },
  INVALID_SCHEDULER_OPTIONS: { status: 400, meaning: 'scheduler options are invalid' },
  INVALID_QUEUE_OPTIONS: { status: 400, meaning: 'queue options are invalid' },
  INVALID_SOQL_VALUE: { status: 400, meaning: 'a value cannot be written into SOQL' },
  INVALID_PATH: { status: 400, meaning: 'a path or URL outside what is allowed' },
  INVALID_CONFIG: { status: 400, meaning: 'configuration (environment or file) is invalid' },

  // The Salesforce client (docs/client.md); answered 502 whatever the code (errorAnswer).
  LOGIN_FAILED: { status: 502, meaning: 'the token endpoint refused the credentials' },
  LOGIN_SIGNATURE_INVALID: {
    status: 502,
    meaning: "the token answer's signature does not match the consumer secret",
  },
  LOGIN_UNAVAILABLE: {
    status: 502,
    meaning: 'the login host did not answer usably (network, 5xx, non-JSON)',
  },
  TIMEOUT: { status: 500, meaning: "the call's timeoutMs elapsed" },
  ABORTED: { status: 500, meaning: "the caller's signal aborted the work" },
  NETWORK_ERROR: { status: 500, meaning: 'connection refused, reset or closed' },
  API_LIMIT_RESERVE: { status: 500, meaning: 'API usage is below the reserve; nothing was sent' },
  CLIENT_CLOSED: { status: 500, meaning: 'a call after close()' },
  REVOKE_FAILED: { status: 500, meaning: 'a token could not be revoked' },
  NON_JSON_RESPONSE: { status: 500, meaning: 'an HTML or text body where JSON was due' },
  UNEXPECTED_RESPONSE: { status: 500, meaning: 'an answer of a shape Salesforce does not send' },
  NO_REFRESH_TOKEN: { status: 500, meaning: 'a refresh was asked without a refresh token' },
  MULTIPLE_RECORDS_MATCHED: {
    status: 500,
    meaning: 'an external id matched several records; nothing was written',
  },
  QUERY_LIMIT_EXCEEDED: {
    status: 500,
    meaning: 'a query returned more rows than the caller accepts',
  },
  BULK_UPLOAD_FAILED: { status: 500, meaning: "a Bulk job's data could not be uploaded" },
  BULK_JOB_FAILED: { status: 500, meaning: 'a Bulk job ended Failed' },
  BULK_JOB_ABORTED: { status: 500, meaning: 'a Bulk job was aborted' },
  BULK_JOB_TIMEOUT: { status: 500, meaning: 'a Bulk job did not finish in time' },
  PUBSUB_ERROR: { status: 502, meaning: 'the Pub/Sub API ended a call with an error' },
  REPLAY_ID_INVALID: {
    status: 502,
    meaning: 'the Pub/Sub API refused a replay id (malformed or past retention)',
  },

  // Everything else answers 500 (with its message only in the admin API and the CLI).
  ADMIN_ASSETS_MISSING: {
    status: 500,
    meaning: "the dashboard's script or styles are missing from the install",
  },
  ADMIN_USER_NOT_FOUND: { status: 404, meaning: 'no admin user has this name' },
  ADMIN_USER_EXISTS: { status: 409, meaning: 'an admin user with this name exists' },
  LAST_ADMIN_USER: { status: 500, meaning: 'the last admin user cannot be removed' },
  SECURITY_REQUIRED: {
    status: 500,
    meaning: 'a channel needs a security definition, or --public to go without',
  },
  CONNECTION_CHECK_FAILED: {
    status: 500,
    meaning: 'a connection could not log in or call Salesforce when checked',
  },
  // 502 as the LOGIN_ prefix gave it before the catalogue; only the CLI raises it.
  LOGIN_URL_REFUSED: { status: 502, meaning: 'a login URL is not an allowed Salesforce host' },
  CANNOT_LISTEN: { status: 500, meaning: 'the server cannot listen on its host and port' },
  STORE_MIGRATION_FAILED: { status: 500, meaning: 'the store could not be migrated' },
  STORE_SCHEMA_TOO_NEW: {
    status: 500,
    meaning: "the store's schema was written by a newer forcebridge",
  },
  STORE_UNAVAILABLE: { status: 500, meaning: 'the store cannot be opened or read' },
  STORE_COPY_FAILED: {
    status: 500,
    meaning: '`db copy` could not write a row to the target; nothing was copied',
  },
  STORE_COPY_TARGET_NOT_EMPTY: {
    status: 409,
    meaning: '`db copy` was pointed at a database that already has forcebridge tables',
  },
  SECRET_UNREADABLE: { status: 500, meaning: 'a stored secret cannot be decrypted' },
  SECRET_KEY_MISMATCH: {
    status: 500,
    meaning: 'the secret key is not the one the store was written with',
  },
  MISSING_SECRET: { status: 500, meaning: 'a secret a connection needs is not set' },
  JOB_OUTPUT_NOT_SERIALIZABLE: { status: 500, meaning: "a job's result cannot be stored as JSON" },
  JOB_LEASE_LOST: { status: 500, meaning: 'another worker took the job over' },
  JOB_LEASE_EXPIRED: { status: 500, meaning: "the job's lease ran out before it finished" },
  SCHEDULE_ENQUEUE_FAILED: { status: 500, meaning: 'a scheduled run could not be queued' },
  EXPORT_FAILED: { status: 500, meaning: 'the configuration could not be exported' },
  IMPORT_FAILED: { status: 500, meaning: 'the configuration could not be imported' },
  CONFIG_INVALID: { status: 500, meaning: 'a configuration file has errors; nothing was imported' },
  DEPLOY_REFUSED: { status: 500, meaning: 'a service package was refused' },
  DUPLICATE_SERVICE: { status: 500, meaning: 'two services in a package share a name' },
  NO_SERVICE_IN_FILE: { status: 500, meaning: 'a module exports no service' },
  SERVICE_LOAD_TIMEOUT: { status: 500, meaning: 'a service module took too long to load' },
  NOT_BUILT: { status: 500, meaning: 'a project is not built yet' },
  LINK_FAILED: { status: 500, meaning: 'a package could not be linked into the project' },
  FOLDER_NOT_EMPTY: { status: 500, meaning: 'init was pointed at a folder that is not empty' },
  FILE_NOT_READABLE: { status: 500, meaning: 'a file cannot be read' },
  PORT_IN_USE: { status: 500, meaning: 'the port to listen on is taken' },
  REQUEST_FAILED: { status: 500, meaning: 'a CLI request to the server failed' },
  CONNECTION_INCOMPLETE: { status: 500, meaning: 'a connection lacks settings its flow needs' },
  AUTHORIZE_FAILED: { status: 500, meaning: 'the web-server flow did not yield a code' },
  AUTHORIZE_DENIED: { status: 500, meaning: 'the user denied the app access' },
  AUTHORIZE_STATE_MISMATCH: { status: 500, meaning: "the callback's state is not the one sent" },
  AUTHORIZE_TIMEOUT: { status: 500, meaning: 'no callback came in time' },
  CALLBACK_PORT_BUSY: { status: 500, meaning: "the OAuth callback's port is taken" },
  CALLBACK_LISTEN_FAILED: { status: 500, meaning: 'the OAuth callback listener could not start' },
  TESTBED_INVALID_OPTIONS: { status: 500, meaning: 'testbed options are invalid' },
  TESTBED_NO_SERVICES: { status: 500, meaning: 'the testbed found no services' },
  TESTBED_NO_LOGIN: { status: 500, meaning: 'the testbed has no login for the connection' },
  TESTBED_SERVICE_LOAD_FAILED: {
    status: 500,
    meaning: 'a service could not be loaded in the testbed',
  },
  INVALID_ORG_FILE: { status: 400, meaning: "the emulator's org file is invalid" },
  TESTBED_CLOSE_FAILED: { status: 500, meaning: 'the testbed could not close cleanly' },
} as const satisfies Record<string, CatalogueEntry>

/** Every code forcebridge raises; a code outside the catalogue does not compile. */
export type ErrorCode = keyof typeof errorCatalogue

const ENTRIES: Readonly<Record<string, CatalogueEntry>> = errorCatalogue

/** The catalogue's entry for a code, or undefined (a Salesforce errorCode, a mistyped string). */
export function catalogueEntry(code: string): CatalogueEntry | undefined {
  return Object.hasOwn(ENTRIES, code) ? ENTRIES[code] : undefined
}
