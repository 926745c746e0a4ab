// Copies every assets/ folder under src/ to the same place under dist/ after tsc, which emits
// only compiled TypeScript (the dashboard's admin.js and admin.css live in src/admin/assets/).
import { cpSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const copied = []
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const path = join(dir, entry.name)
    if (entry.name === 'assets') {
      const target = join('dist', relative('src', path))
      cpSync(path, target, { recursive: true })
      copied.push(target)
    } else {
      walk(path)
    }
  }
}
walk('src')
console.log(`copied ${copied.length} assets folder(s): ${copied.join(', ')}`)
