// `forcebridge init [folder]`: makes a user's integration project (project-template.ts) in a new
// or empty folder, and prints what to run next. It never overwrites a file: with --force in a
// non-empty folder, the files already there are kept and listed.
import type { Command } from 'commander'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { packageRoot, packageVersion } from '../runtime/package-info/index.js'
import { ForcebridgeError } from '../util/index.js'
import { projectFiles, type TemplateVersions } from './project-template.js'

interface InitFlags {
  name?: string
  force?: boolean
}

// npm's rules for a package name: lowercase, URL-safe, not starting with . or _, at most 214
// characters, optionally scoped (@scope/name).
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/

function projectName(folder: string, flags: InitFlags): string {
  const name = flags.name ?? basename(folder)
  if (name.length <= 214 && PACKAGE_NAME.test(name)) return name
  const from = flags.name === undefined ? `the folder name '${name}'` : `--name '${name}'`
  throw new ForcebridgeError(
    'INVALID_ARGUMENTS',
    `${from} is not a valid npm package name (lowercase letters, digits, '-', '.', '_', '~', at most 214 characters, not starting with '.' or '_'); pass --name my-integration`,
  )
}

/** The folder's entries that count as content (a fresh `git init` leaves it empty for us). */
function contentOf(folder: string): string[] {
  if (!existsSync(folder)) return []
  if (!statSync(folder).isDirectory()) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `${folder} is a file, not a folder; name a new or empty folder`,
    )
  }
  return readdirSync(folder).filter((entry) => entry !== '.git')
}

/** forcebridge's version, and the ranges its own manifest uses for the tools the project needs. */
function templateVersions(): TemplateVersions {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
  }
  const range = (name: string, fallback: string) =>
    manifest.dependencies?.[name] ?? manifest.devDependencies?.[name] ?? fallback
  return {
    forcebridge: `^${packageVersion()}`,
    tsx: range('tsx', '^4.20.0'),
    typescript: range('typescript', '~5.9'),
    typesNode: range('@types/node', '^20.19.0'),
  }
}

/** Writes the project; returns the files written and those kept because they were there. */
export function initProject(
  folderArg: string,
  flags: InitFlags,
): { folder: string; name: string; written: string[]; kept: string[] } {
  const folder = resolve(folderArg)
  const name = projectName(folder, flags)
  const content = contentOf(folder)
  if (content.length > 0 && !flags.force) {
    const shown = content.slice(0, 5).join(', ') + (content.length > 5 ? ', …' : '')
    throw new ForcebridgeError(
      'FOLDER_NOT_EMPTY',
      `${folder} is not empty (${shown}); pick a new folder, or pass --force to add the missing files (files already there are kept)`,
    )
  }
  const written: string[] = []
  const kept: string[] = []
  for (const [path, text] of projectFiles(name, templateVersions())) {
    const target = join(folder, path)
    if (existsSync(target)) {
      kept.push(path)
      continue
    }
    mkdirSync(dirname(target), { recursive: true })
    // 'wx': fail rather than overwrite a file that appeared meanwhile.
    writeFileSync(target, text, { flag: 'wx' })
    written.push(path)
  }
  return { folder, name, written, kept }
}

export function initCommand(program: Command): void {
  program
    .command('init [folder]')
    .description(
      'make an integration project: package.json, an example service and its offline test, config as code',
    )
    .option('--name <name>', 'npm package name (default: the folder name)')
    .option('--force', 'write into a non-empty folder; files already there are kept')
    .action((folderArg: string | undefined, flags: InitFlags) => {
      const { folder, name, written, kept } = initProject(folderArg ?? '.', flags)
      const where = relative(process.cwd(), folder)
      const lines = [`Created ${name} in ${folder}:`, ...written.map((f) => `  ${f}`)]
      if (kept.length > 0) {
        lines.push('Kept (already there, not overwritten):', ...kept.map((f) => `  ${f}`))
      }
      lines.push(
        '',
        'Next:',
        ...(where === '' ? [] : [`  cd ${where.includes(' ') ? JSON.stringify(where) : where}`]),
        '  npm install',
        '  npm test        # the example service against an emulated org, offline',
        '  npm run dev     # the emulator and your services, with ready-to-paste curl commands',
        '',
      )
      process.stdout.write(lines.join('\n'))
    })
}
