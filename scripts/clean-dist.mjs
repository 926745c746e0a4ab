// Removes compiled files in dist/ whose TypeScript source is gone (moved or deleted), before the
// incremental build: tsc never deletes outputs, and npm would ship the stale modules.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

const DIST = 'dist'
const OUTPUT = /(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/

function clean(dir) {
  let removed = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      removed += clean(path)
      if (readdirSync(path).length === 0) rmdirSync(path)
      continue
    }
    if (!OUTPUT.test(entry.name)) continue
    const copied = join('src', relative(DIST, path))
    const source = copied.replace(OUTPUT, '.ts')
    // A file copied as is (an asset, scripts/copy-assets.mjs) is stale only when its copy is gone.
    if (!existsSync(source) && !existsSync(copied)) {
      rmSync(path)
      removed++
    }
  }
  return removed
}

if (existsSync(DIST)) {
  const removed = clean(DIST)
  if (removed > 0) console.log(`removed ${removed} stale files from dist/ (their sources are gone)`)
}
