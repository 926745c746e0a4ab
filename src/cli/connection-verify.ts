// Before `connection add|edit` stores anything: the connection as it would be saved, checked
// against Salesforce (login, API version, one call). A refused one is not stored; for an edit,
// the stored version stays as it was.
import type { Logger } from 'pino'
import {
  parseConnectionInput,
  SECRET_FIELDS,
  type ConnectionCredentials,
  type ConnectionInput,
} from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { checkUnsaved } from './connection-check.js'

/** Fields whose change can break a login, so an edit that makes one is checked again. */
const LOGIN_FIELDS = [
  'loginUrl',
  'apiVersion',
  'authFlow',
  'username',
  'clientId',
  ...SECRET_FIELDS,
] as const

/** A validated connection in the shape a client is built from, stored nowhere. */
export function unsavedCredentials(input: ConnectionInput, id = 'unsaved'): ConnectionCredentials {
  const now = new Date().toISOString()
  const secrets = Object.fromEntries(SECRET_FIELDS.map((f) => [f, input[f] !== undefined]))
  return {
    ...input,
    id,
    secrets: secrets as ConnectionCredentials['secrets'],
    createdAt: now,
    updatedAt: now,
  }
}

/**
 * The stored connection with `changes` applied, validated as the store will validate it (the
 * same rules as `ConnectionRepository.update`: absent keeps, null clears).
 */
export function editedConnection(
  current: ConnectionCredentials,
  changes: Record<string, unknown>,
): ConnectionInput {
  const merged: Record<string, unknown> = {
    name: current.name,
    active: current.active,
    loginUrl: current.loginUrl,
    apiVersion: current.apiVersion,
    authFlow: current.authFlow,
    username: current.username,
    clientId: current.clientId,
  }
  for (const f of SECRET_FIELDS) merged[f] = current[f]
  for (const [k, v] of Object.entries(changes)) {
    if (v !== undefined) merged[k] = v === null ? undefined : v
  }
  return parseConnectionInput(merged)
}

/** Whether an edit touches what a login depends on, or switches the connection on. */
export function editNeedsCheck(changes: Record<string, unknown>): boolean {
  return changes.active === true || LOGIN_FIELDS.some((f) => changes[f] !== undefined)
}

/**
 * Checks the connection against Salesforce; throws CONNECTION_CHECK_FAILED naming the
 * connection, what failed (what Salesforce said) and what to check, when any step fails.
 */
export async function verifyBeforeSaving(
  creds: ConnectionCredentials,
  log: Logger,
  what: 'add' | 'edit',
): Promise<void> {
  const failed = await checkUnsaved(creds, log)
  if (failed === undefined) return
  const [verb, kept] =
    what === 'add'
      ? ['was not added', 'nothing was stored (to store it unchecked, add --no-check)']
      : [
          'was not changed',
          'the stored version stays as it was (to store the change unchecked, add --no-check)',
        ]
  throw new ForcebridgeError(
    'CONNECTION_CHECK_FAILED',
    `connection '${creds.name}' ${verb}: ${failed}; ${kept}`,
  )
}
