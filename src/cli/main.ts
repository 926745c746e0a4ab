// The `forcebridge` command: parses argv with commander and turns any failure into one clear
// line on stderr and a non-zero exit code.
//
// Every run defines every command, so the command modules import at their top only commander,
// node:, util/ and light CLI helpers; whatever a command uses beyond that (the runtime, the store,
// the client, the admin plugin, the emulator) its action imports with `await import(...)`. The
// runtime's own face alone takes about a second to load (Fastify, gRPC, the service loader), and
// `forcebridge --version`, `--help` and `connection list` should not wait for it.
// test/cli/startup-modules.test.ts checks what each of those loads.
import { Command, CommanderError } from 'commander'
import { packageVersion } from '../runtime/package-info/index.js'
import { adminCommand } from './admin-command.js'
import { bulkCommand } from './bulk-command.js'
import { channelCommand } from './channel-command.js'
import { setVerbose } from './cli-context.js'
import { configCommands } from './config-command.js'
import { connectionCommand } from './connection-command.js'
import { dbCommand } from './db-command.js'
import { deployCommand } from './deploy-command.js'
import { emulatorCommand } from './emulator-command.js'
import { initCommand } from './init-command.js'
import { invokeCommand } from './invoke-command.js'
import { jobsCommand, scheduleCommand } from './jobs-command.js'
import { queryCommand } from './query-command.js'
import { securityCommand } from './security-command.js'
import { serverCommands } from './server-command.js'
import { serviceCommand } from './service-command.js'
import { subscriptionCommand } from './subscription-command.js'

export function buildProgram(): Command {
  const program = new Command('forcebridge')
    .description(
      'Server-side Salesforce integration: connections, services on REST channels, and a local Salesforce emulator',
    )
    .version(packageVersion(), '-V, --version', 'print the version of forcebridge')
    .option('--verbose', 'also print log lines (JSON on stderr), down to debug')
    .showHelpAfterError()
    .exitOverride()
    .hook('preAction', (root) => setVerbose(root.opts<{ verbose?: boolean }>().verbose === true))
  connectionCommand(program)
  queryCommand(program)
  bulkCommand(program)
  invokeCommand(program)
  serviceCommand(program)
  channelCommand(program)
  securityCommand(program)
  deployCommand(program)
  jobsCommand(program)
  scheduleCommand(program)
  subscriptionCommand(program)
  configCommands(program)
  dbCommand(program)
  serverCommands(program)
  emulatorCommand(program)
  initCommand(program)
  adminCommand(program)
  return program
}

/** Runs the CLI with `argv` as process.argv gives it (node, script, ...args). */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help or its own message.
      process.exitCode = err.exitCode
      return
    }
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`forcebridge: ${message}\n`)
    process.exitCode = 1
  }
}
