// `forcebridge deploy <file>`: checks a service file where it will run (in the services folder,
// under a dot name the watcher ignores), then renames it into place in one step, so a running
// server's watcher loads a complete file; the next start loads it when no server runs. On a
// PostgreSQL store (a cluster's) the file is also stored in the database, and every node writes
// it into its own services folder within seconds; `--remove` takes one off every node.
import type { Command } from 'commander'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { basename, extname, join, resolve } from 'node:path'
import type { Config } from '../runtime/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'

interface DeployFlags {
  name?: string
  services?: string
  dryRun?: boolean
  remove?: string
}

/** Who deployed, for the service_files row: the OS user and machine (no secret). */
function deployer(): string {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (some containers): the machine alone says enough.
  }
  return `${user}@${hostname()}`
}

/** The file name in the services folder: --name (given the source's extension if it has none). */
async function targetName(source: string, name: string | undefined): Promise<string> {
  const { isServiceFileName } = await import('../runtime/index.js')
  let target = name ?? basename(source)
  if (name !== undefined && extname(name) === '') target += extname(source)
  if (/[\\/]/.test(target) || !isServiceFileName(target)) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `${name === undefined ? source : `--name ${name}`}: a service file name ends in .ts, .mts, .js or .mjs, does not start with '.', and is not a .test, .spec or .d file`,
    )
  }
  return target
}

/** Imports the staged copy and the folder's other files: what the server would load. */
async function check(staged: string, target: string, folder: string, source: string) {
  const { importServiceFile, listServiceFiles, ServiceRegistry } =
    await import('../runtime/index.js')
  let services
  try {
    services = await importServiceFile(staged)
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err))
      .split(staged)
      .join(source)
      .split(basename(staged))
      .join(basename(source))
    throw new ForcebridgeError(
      'DEPLOY_REFUSED',
      `${source} does not load, so nothing was deployed: ${message}`,
      { cause: err },
    )
  }
  // A name another file of the folder already serves would be refused by the server.
  const others = new ServiceRegistry()
  const files = listServiceFiles(folder).filter((f) => f !== target)
  for (const file of files) {
    try {
      for (const s of await importServiceFile(file)) others.register(s, file)
    } catch {
      // A broken neighbour is the server's report to make, not a reason to refuse this file.
    }
  }
  try {
    others.replaceSource(target, services)
  } catch (err) {
    throw new ForcebridgeError(
      'DEPLOY_REFUSED',
      `${source} was not deployed: ${(err as Error).message.split(target).join(source)}`,
      { cause: err },
    )
  }
  return services.map((s) => s.name).sort()
}

export function deployCommand(program: Command): void {
  program
    .command('deploy [file]')
    .description(
      'check a service file and copy it into the services folder, where a running server loads it at once; on a PostgreSQL store, every node of the cluster does',
    )
    .option('--name <file-name>', "its name in the services folder (default: the file's own)")
    .option('--services <folder>', 'the services folder (default: FORCEBRIDGE_HOME/services)')
    .option('--dry-run', 'only check that the file loads; copy nothing')
    .option(
      '--remove <file-name>',
      'remove a deployed file (from every node on a PostgreSQL store)',
    )
    .action(async (file: string | undefined, flags: DeployFlags) => {
      const { loadConfig } = await import('../runtime/config/index.js')
      const config = loadConfig()
      if (flags.remove !== undefined) return remove(config, flags)
      if (file === undefined) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          'name the service file to deploy, or use --remove <file-name>',
        )
      }
      const source = resolve(file)
      let text: Buffer
      try {
        text = readFileSync(source)
      } catch (cause) {
        throw new ForcebridgeError(
          'FILE_NOT_READABLE',
          `cannot read ${source}: ${(cause as Error).message}`,
          { cause },
        )
      }
      const name = await targetName(source, flags.name)
      const folder = resolve(flags.services ?? join(config.home, 'services'))
      const target = join(folder, name)
      mkdirSync(folder, { recursive: true })
      // Service files import 'forcebridge'; in FORCEBRIDGE_HOME that resolves through this link.
      const { linkPublicEntry } = await import('../runtime/index.js')
      linkPublicEntry(config.home)
      const staged = join(folder, `.deploy-${randomUUID().slice(0, 8)}-${name}`)
      writeFileSync(staged, text)
      try {
        const services = await check(staged, target, folder, source)
        if (flags.dryRun) {
          console.log(`${source} loads; services: ${services.join(', ')}`)
          console.log(`nothing copied (--dry-run); it would go to ${target}`)
          return
        }
        const replaced = existsSync(target)
        renameSync(staged, target)
        console.log(`${replaced ? 'replaced' : 'deployed'} ${target}`)
        console.log(`services: ${services.join(', ')}`)
        if (config.database) {
          // A cluster's store: every node writes it out (this machine's copy is already there).
          const stored = await withStore(({ store }) =>
            store.serviceFiles.put(name, text.toString('utf8'), deployer()),
          )
          console.log(
            `stored in the database as ${name} version ${stored.version}: every node loads it within seconds (see GET /admin/api/nodes)`,
          )
          return
        }
        console.log(
          'a running server with this services folder loads it within a second; otherwise the next start does',
        )
      } finally {
        rmSync(staged, { force: true })
      }
    })
}

/** `deploy --remove <name>`: the file leaves this folder and, on a PostgreSQL store, every node. */
async function remove(config: Config, flags: DeployFlags): Promise<void> {
  const name = await targetName(flags.remove ?? '', undefined)
  const folder = resolve(flags.services ?? join(config.home, 'services'))
  const target = join(folder, name)
  const here = existsSync(target)
  rmSync(target, { force: true })
  let stored = false
  if (config.database) {
    stored = await withStore(({ store }) => store.serviceFiles.remove(name, deployer()))
  }
  if (!here && !stored) {
    throw new ForcebridgeError('INVALID_ARGUMENTS', `${name} is not deployed`)
  }
  console.log(`removed ${name}${stored ? ' from every node' : ` from ${folder}`}`)
}
