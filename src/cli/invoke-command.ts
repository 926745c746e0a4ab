// `forcebridge invoke <service> --input '<json>'`: runs one service in this process, with the
// connections from the store, and prints its result as JSON.
import type { Command } from 'commander'
import { join, resolve } from 'node:path'
import {
  ConnectionClients,
  Invoker,
  linkPublicEntry,
  loadServices,
  ServiceRegistry,
} from '../runtime/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
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
      await withStore(async ({ config, store, log }) => {
        linkPublicEntry(config.home)
        const registry = new ServiceRegistry()
        const folders = (flags.services ?? [join(config.home, 'services')]).map((f) => resolve(f))
        const report = await loadServices(folders, registry)
        if (!registry.get(name)) {
          const broken = report.failed.map((f) => `${f.file}: ${f.error.message}`).join('; ')
          throw new ForcebridgeError(
            'SERVICE_NOT_FOUND',
            `service '${name}' is not in ${folders.join(', ')}${broken ? ` (files that failed to load: ${broken})` : ''}`,
          )
        }
        const clients = new ConnectionClients(store.connections, log)
        try {
          const result = await new Invoker(registry, clients, log).invoke(name, input)
          console.log(JSON.stringify(result ?? null, null, 2))
        } finally {
          await clients.close()
        }
      })
    })
}
