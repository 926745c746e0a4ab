// Writes the service files deployed in the store into this node's services folder, and removes
// the ones removed there. Each file is written under a dot name the watcher ignores, then renamed
// into place, so the watcher loads a complete file; a file whose content is already there is
// left alone (no reload).
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StoredServiceFile } from '../../store/index.js'
import { isServiceFileName } from '../services/index.js'

export interface SyncResult {
  written: string[]
  removed: string[]
}

function localSha(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex')
  } catch {
    return undefined
  }
}

export function syncServiceFiles(files: readonly StoredServiceFile[], folder: string): SyncResult {
  const result: SyncResult = { written: [], removed: [] }
  for (const file of files) {
    // A name the deploy command would refuse never leaves the folder it names.
    if (/[\\/]/.test(file.name) || !isServiceFileName(file.name)) continue
    const target = join(folder, file.name)
    if (file.content === null) {
      if (existsSync(target)) {
        rmSync(target, { force: true })
        result.removed.push(file.name)
      }
      continue
    }
    if (localSha(target) === file.sha256) continue
    // Made only when there is a file to write: a missing folder is a warning start gives.
    mkdirSync(folder, { recursive: true })
    const staged = join(folder, `.cluster-${randomUUID().slice(0, 8)}-${file.name}`)
    try {
      writeFileSync(staged, file.content)
      renameSync(staged, target)
    } finally {
      rmSync(staged, { force: true })
    }
    result.written.push(file.name)
  }
  return result
}
