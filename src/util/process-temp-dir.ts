// Temporary folders that outlive no process for long. A process removes its own at close, but
// one killed with SIGKILL (a test's crash, an OOM kill, a CI timeout) cannot: its folder,
// which may hold a multi-gigabyte SQLite file of an emulated org, stayed in /tmp for good.
// Each folder's name carries the pid and host of its owner, and making a new one first
// removes those of the same prefix whose owner is gone. The host name keeps a container that
// shares /tmp with another (where the other's pids mean nothing) off the other's folders.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Makes `<tmpdir>/<prefix><pid>@<host>-XXXXXX` (mode 0700, as mkdtemp makes it), after
 * removing the folders of the same prefix left behind by processes that no longer run.
 */
export function processTempDir(prefix: string): string {
  removeOrphans(prefix)
  return mkdtempSync(join(tmpdir(), `${prefix}${process.pid}@${host()}-`))
}

/** Removes this host's `<prefix><pid>@<host>-…` folders whose process has ended; answers how many. */
function removeOrphans(prefix: string, root = tmpdir()): number {
  let removed = 0
  let names: string[]
  try {
    names = readdirSync(root)
  } catch {
    return 0
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const owner = /^(\d+)@(.*)-[^-]+$/.exec(name.slice(prefix.length))
    const pid = Number(owner?.[1])
    if (owner?.[2] !== host() || !Number.isSafeInteger(pid) || pid <= 0 || isRunning(pid)) continue
    try {
      rmSync(join(root, name), { recursive: true, force: true })
      removed++
    } catch {
      // Another user's folder, or one being removed by another process: not ours to insist.
    }
  }
  return removed
}

/** Whether a process with this pid runs (one of another user counts as running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The host name as it can stand in a file name. */
function host(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, '_')
}
