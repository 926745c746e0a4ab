// The dashboard's script and stylesheet, real files in src/admin/assets/ (linted as browser
// code), read once when the admin starts and then served from memory. The build copies the
// folder beside the compiled admin (scripts/copy-assets.mjs), so dist/ serves the same files.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ForcebridgeError } from '../util/index.js'

export interface DashboardAssets {
  /** /admin/assets/admin.js */
  script: string
  /** /admin/assets/admin.css */
  styles: string
}

/** Reads both assets; throws ADMIN_ASSETS_MISSING naming the file when one cannot be read. */
export function readDashboardAssets(): DashboardAssets {
  return { script: readAsset('admin.js'), styles: readAsset('admin.css') }
}

function readAsset(name: string): string {
  const file = fileURLToPath(new URL(`./assets/${name}`, import.meta.url))
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    throw new ForcebridgeError(
      'ADMIN_ASSETS_MISSING',
      `the admin dashboard cannot read its asset ${file}; run \`npm run build\` (it copies src/admin/assets/ to dist/admin/assets/) or reinstall forcebridge`,
      { cause: err },
    )
  }
}
