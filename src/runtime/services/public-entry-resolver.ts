// Makes `import ... from 'forcebridge'` resolve from service files outside the package: a
// module resolve hook for ES modules anywhere, and in FORCEBRIDGE_HOME a package.json that
// makes its files ES modules plus a `node_modules/forcebridge` link for any other resolver.
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { register } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ForcebridgeError } from '../../util/index.js'
import { packageRoot } from '../package-info/index.js'

let registered = false

/**
 * Registers the hook. Service files always get `dist/index.js`, even when the runtime itself
 * runs from `src/` (tests): defineService marks services with a global symbol, so both copies
 * recognise them.
 */
export function registerPublicEntryResolver(): void {
  if (registered) return
  const entry = join(packageRoot(), 'dist', 'index.js')
  if (!existsSync(entry)) {
    throw new ForcebridgeError(
      'NOT_BUILT',
      `service files import 'forcebridge', which needs the compiled entry ${entry}; run \`npm run build\``,
    )
  }
  const url = pathToFileURL(entry).href
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'forcebridge') return { url: ${JSON.stringify(url)}, format: 'module', shortCircuit: true }
  return next(specifier, context)
}`
  register(`data:text/javascript,${encodeURIComponent(hook)}`)
  registered = true
}

/**
 * Prepares `home` (FORCEBRIDGE_HOME) for service files: a package.json with
 * `"type": "module"` (without it tsx compiles `.ts` files to CommonJS, and a CommonJS
 * require() of forcebridge would load a second, transformed copy of the package), and a
 * `node_modules/forcebridge` link to this package. An existing package.json is left alone.
 */
export function linkPublicEntry(home: string): void {
  const manifest = join(home, 'package.json')
  if (!existsSync(manifest)) {
    const text = {
      private: true,
      type: 'module',
      description: 'forcebridge data folder; service files in ./services',
    }
    writeFileSync(manifest, JSON.stringify(text, null, 2) + '\n')
  }
  const target = packageRoot()
  const link = join(home, 'node_modules', 'forcebridge')
  try {
    if (readlinkSync(link) === target) return
    rmSync(link, { force: true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ForcebridgeError(
        'LINK_FAILED',
        `cannot link ${link} to ${target}; remove ${link} and start again`,
        { cause: err },
      )
    }
  }
  mkdirSync(dirname(link), { recursive: true })
  symlinkSync(target, link, 'dir')
}
