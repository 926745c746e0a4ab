// `forcebridge invoke <service> --input '<json>'`: runs one service in this process, with the
// connections from the store, and prints its result as JSON.
import type { Command } from 'commander'
import { ForbiddenJsonKeyError, ForcebridgeError, parseJson } from '../util/index.js'
import { withStore } from './cli-context.js'

function parseInput(text: string): unknown {
  try {
    return parseJson(text)
  } catch (cause) {
    if (cause instanceof ForbiddenJsonKeyError)
      throw new ForcebridgeError('INVALID_ARGUMENTS', `--input: ${cause.message}`, { cause })
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--input is not valid JSON; quote it, e.g. --input '{"name": "x"}'`,
      { cause },
    )
  }
}

export function invokeCommand(program: Command): void {
  program
    .command('invoke <service>')
    .description('run one service with a JSON input and print its result')
    .option('--input <json>', 'the input, as JSON', '{}')
    .option('--services <folder...>', 'service folders (default: FORCEBRIDGE_HOME/services)')
    .action(async (name: string, flags: { input: string; services?: string[] }) => {
      const input = parseInput(flags.input)
      const { ConnectionClients, Invoker, ServiceSettings } = await import('../runtime/index.js')
      const { loadCliServices } = await import('./cli-services.js')
      await withStore(async ({ config, store, log }) => {
        const services = await loadCliServices(config, flags.services)
        services.require(name)
        const clients = new ConnectionClients(store.connections, log)
        const settings = new ServiceSettings(store.settings, () => store.revision())
        try {
          const invoker = new Invoker(services.registry, clients, log, undefined, settings)
          const result = await invoker.invoke(name, input)
          console.log(JSON.stringify(result ?? null, null, 2))
        } finally {
          await clients.close()
        }
      })
    })
}
