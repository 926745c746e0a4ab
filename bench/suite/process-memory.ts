// The resident set size of another process, read from /proc (Linux); undefined elsewhere or
// once the process is gone.
import { readFileSync } from 'node:fs'

export function rssKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}
