// Type-checks the docs' TypeScript snippets as a user's project would see them: each one is a
// module in .doc-snippets/ inside the repository, so `import ... from 'forcebridge'` resolves
// through package.json "exports" to the built dist/*.d.ts, and nothing else of the repo is seen.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { REPO, type Snippet } from './markdown-parts.js'

export const SNIPPETS_DIR = join(REPO, '.doc-snippets')

/** What a user's strict ESM project on Node 20 would use. */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
}

function bindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text)
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, into)
}

/** Names a module declares at its top level (imports included), and which of them it exports. */
function topLevelNames(code: string): { declared: Set<string>; exported: Set<string> } {
  const file = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2023, false, ts.ScriptKind.TS)
  const declared = new Set<string>()
  const exported = new Set<string>()
  for (const st of file.statements) {
    const names = new Set<string>()
    if (ts.isImportDeclaration(st) && st.importClause) {
      const { name, namedBindings } = st.importClause
      if (name) names.add(name.text)
      if (namedBindings && ts.isNamespaceImport(namedBindings)) names.add(namedBindings.name.text)
      if (namedBindings && ts.isNamedImports(namedBindings))
        for (const el of namedBindings.elements) names.add(el.name.text)
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) bindingNames(d.name, names)
    } else if (
      (ts.isFunctionDeclaration(st) ||
        ts.isClassDeclaration(st) ||
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st) ||
        ts.isEnumDeclaration(st)) &&
      st.name
    ) {
      names.add(st.name.text)
    } else if (
      ts.isExportDeclaration(st) &&
      st.exportClause &&
      ts.isNamedExports(st.exportClause)
    ) {
      for (const el of st.exportClause.elements) exported.add(el.name.text)
    }
    for (const n of names) declared.add(n)
    const isExported = ts.canHaveModifiers(st)
      ? (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false
    if (isExported) for (const n of names) exported.add(n)
  }
  return { declared, exported }
}

/** Relative imports would reach into the repository, which a package user does not have. */
function relativeImports(code: string): string[] {
  const file = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2023, false, ts.ScriptKind.TS)
  return file.statements
    .filter(ts.isImportDeclaration)
    .map((st) => (st.moduleSpecifier as ts.StringLiteral).text)
    .filter((spec) => spec.startsWith('.') || spec.startsWith('/'))
}

interface Source {
  doc: string
  /** Doc line of the file's first line. */
  line: number
}

/**
 * Writes the snippets under .doc-snippets/<folder>/ and type-checks them in one program.
 * Returns one line per problem, `doc:line: message`, empty when every snippet checks.
 */
export function checkSnippets(snippets: Snippet[], folder: string): string[] {
  const root = join(SNIPPETS_DIR, folder)
  rmSync(root, { recursive: true, force: true })
  const sources = new Map<string, Source>()
  const problems: string[] = []
  const contextFiles = new Map<string, { file: string; exported: Set<string> }>()

  for (const s of snippets) {
    if (s.notChecked) continue
    const slug = s.doc.replace(/[^A-Za-z0-9]+/g, '-')
    mkdirSync(join(root, slug), { recursive: true })
    for (const spec of relativeImports(s.code)) {
      problems.push(
        `${s.doc}:${s.line}: imports '${spec}'; a user imports 'forcebridge', 'forcebridge/salesforce', 'forcebridge/emulator' or 'forcebridge/testing'`,
      )
    }
    let appended = ''
    if (s.context) {
      const key = `${s.doc}:${s.context.line}`
      let ctx = contextFiles.get(key)
      if (!ctx) {
        const file = join(root, slug, `context-${s.context.line}.ts`)
        writeFileSync(file, s.context.code + '\n')
        sources.set(file, { doc: s.doc, line: s.context.line })
        ctx = { file, exported: topLevelNames(s.context.code).exported }
        contextFiles.set(key, ctx)
      }
      const own = topLevelNames(s.code).declared
      const given = [...ctx.exported].filter((n) => !own.has(n))
      // Appended, not prepended, so the snippet's line numbers stay as they are in the doc.
      if (given.length > 0)
        appended = `\nimport { ${given.join(', ')} } from './context-${s.context.line}.js'\n`
    }
    const file = join(root, slug, `line-${s.line}.ts`)
    writeFileSync(file, s.code + '\n' + appended)
    sources.set(file, { doc: s.doc, line: s.line })
  }

  const program = ts.createProgram([...sources.keys()], OPTIONS)
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    const source = d.file ? sources.get(d.file.fileName) : undefined
    if (!d.file || !source) {
      const where = d.file ? relative(REPO, d.file.fileName) : 'snippets'
      problems.push(`${where}: TS${d.code}: ${message}`)
      continue
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0)
    problems.push(`${source.doc}:${source.line + line}: TS${d.code}: ${message}`)
  }
  return problems
}
