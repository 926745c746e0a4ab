import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig, storeOptionsOf } from '../../src/runtime/index.js'
import { redactDatabaseUrl } from '../../src/store/index.js'

describe('settings from the environment', () => {
  it('uses the defaults when nothing is set', () => {
    expect(loadConfig({})).toMatchObject({
      home: resolve('.forcebridge'),
      secretKey: undefined,
      port: 8400,
      emulatorPort: 8401,
      host: '127.0.0.1',
      logLevel: 'info',
    })
  })

  it('reads every variable, treating an empty one as unset', () => {
    const c = loadConfig({
      FORCEBRIDGE_HOME: '/tmp/x',
      FORCEBRIDGE_PORT: '9000',
      FORCEBRIDGE_EMULATOR_PORT: '',
      FORCEBRIDGE_LOG_LEVEL: 'debug',
    })
    expect(c).toMatchObject({ home: '/tmp/x', port: 9000, emulatorPort: 8401, logLevel: 'debug' })
  })

  it('names every bad value in one message', () => {
    expect(() =>
      loadConfig({
        FORCEBRIDGE_PORT: 'eighty',
        FORCEBRIDGE_EMULATOR_PORT: '70000',
        FORCEBRIDGE_LOG_LEVEL: 'loud',
      }),
    ).toThrow(
      /FORCEBRIDGE_PORT must be a port number.*FORCEBRIDGE_EMULATOR_PORT must be between 0 and 65535.*FORCEBRIDGE_LOG_LEVEL must be one of/,
    )
  })

  it('reads the first admin user and says whether the log level was set', () => {
    expect(loadConfig({})).toMatchObject({ firstAdmin: undefined, logLevelGiven: false })
    const c = loadConfig({
      FORCEBRIDGE_ADMIN_PASSWORD: 'long enough',
      FORCEBRIDGE_LOG_LEVEL: 'info',
    })
    expect(c).toMatchObject({
      firstAdmin: { name: 'admin', password: 'long enough' },
      logLevelGiven: true,
    })
    expect(
      loadConfig({ FORCEBRIDGE_ADMIN_PASSWORD: 'long enough', FORCEBRIDGE_ADMIN_USER: ' ops ' })
        .firstAdmin?.name,
    ).toBe('ops')
    // The message names the variable and the rule, never the value.
    expect(() => loadConfig({ FORCEBRIDGE_ADMIN_PASSWORD: 'hunter2' })).toThrow(
      /^bad setting: FORCEBRIDGE_ADMIN_PASSWORD must be at least 8 characters$/,
    )
  })

  it('selects Redis for the shared state, never showing the URL in a message', () => {
    expect(loadConfig({}).redis).toBeUndefined()
    expect(loadConfig({ FORCEBRIDGE_REDIS_URL: 'redis://:s3cret@10.0.0.5:6379/2' }).redis).toEqual({
      url: 'redis://:s3cret@10.0.0.5:6379/2',
      prefix: 'forcebridge:',
    })
    expect(
      loadConfig({ FORCEBRIDGE_REDIS_URL: 'rediss://cache', FORCEBRIDGE_REDIS_PREFIX: 'prod:' })
        .redis,
    ).toEqual({ url: 'rediss://cache', prefix: 'prod:' })
    const bad = () => loadConfig({ FORCEBRIDGE_REDIS_URL: 'http://:s3cret@cache' })
    expect(bad).toThrow(/^bad setting: FORCEBRIDGE_REDIS_URL must be a redis:\/\/ or rediss:\/\//)
    expect(bad).not.toThrow(/s3cret/)
    expect(() => loadConfig({ FORCEBRIDGE_REDIS_PREFIX: 'a b' })).toThrow(
      /FORCEBRIDGE_REDIS_PREFIX must be/,
    )
  })

  it('chooses PostgreSQL with FORCEBRIDGE_DATABASE_URL, SQLite in the home without it', () => {
    expect(loadConfig({}).database).toBeUndefined()
    expect(storeOptionsOf(loadConfig({ FORCEBRIDGE_HOME: '/srv/fb' }))).toEqual({ home: '/srv/fb' })
    const url = 'postgres://fb:s3cret@db.internal:5432/forcebridge'
    const c = loadConfig({ FORCEBRIDGE_HOME: '/srv/fb', FORCEBRIDGE_DATABASE_URL: url })
    expect(c.database).toEqual({ dialect: 'postgres', url, poolSize: 10 })
    // The master key still comes from the home (or FORCEBRIDGE_SECRET_KEY) whatever the database.
    expect(storeOptionsOf(c)).toEqual({
      home: '/srv/fb',
      database: { dialect: 'postgres', url, poolSize: 10 },
    })
    const pool = { FORCEBRIDGE_DATABASE_URL: url, FORCEBRIDGE_DATABASE_POOL_SIZE: '25' }
    expect(loadConfig(pool).database).toMatchObject({ poolSize: 25 })
    expect(() => loadConfig({ ...pool, FORCEBRIDGE_DATABASE_POOL_SIZE: '0' })).toThrow(
      /FORCEBRIDGE_DATABASE_POOL_SIZE must be 1 or more/,
    )
    // A bad URL is named, never repeated: it may hold a password.
    const bad = () => loadConfig({ FORCEBRIDGE_DATABASE_URL: 'mysql://fb:s3cret@db/forcebridge' })
    expect(bad).toThrow(/FORCEBRIDGE_DATABASE_URL must be a PostgreSQL URL/)
    expect(bad).not.toThrow(/s3cret/)
  })

  it('hides the password of a database URL wherever it is shown', () => {
    expect(redactDatabaseUrl('postgres://fb:s3cret@db.internal:5432/forcebridge')).toBe(
      'postgres://fb:***@db.internal:5432/forcebridge',
    )
    expect(redactDatabaseUrl('postgresql://db/fb?sslmode=require&password=s3cret')).not.toContain(
      's3cret',
    )
    expect(redactDatabaseUrl('postgres://fb:s3cret@[bad')).not.toContain('s3cret')
  })
})
