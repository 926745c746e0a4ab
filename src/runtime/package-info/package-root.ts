// Where forcebridge is installed and which version it is, read from its package.json.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ForcebridgeError } from '../../util/index.js'

/** The folder holding forcebridge's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }
      if (name === 'forcebridge') return dir
    }
    const parent = dirname(dir)
    if (parent === dir)
      throw new ForcebridgeError('PACKAGE_NOT_FOUND', 'cannot find the forcebridge package.json')
    dir = parent
  }
}

/** forcebridge's version, from its package.json ('0.0.0' if it cannot be read). */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: unknown
    }
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}
