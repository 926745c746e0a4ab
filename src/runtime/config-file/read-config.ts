// Reads a configuration file: YAML parsed with line positions kept, `${VAR}` references resolved
// from the environment, and everything validated; every problem is reported with its line and
// column (ConfigFileError), and none is reported alone when there are several.
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml'
import { z } from 'zod'
import { parseConnectionInput, type ConnectionInput } from '../../store/index.js'
import { configFileSchema, type ConfigFileContent } from './config-schema.js'
import { ConfigFileError, formatPath, type ConfigIssue } from './config-file-error.js'

type Path = readonly (string | number)[]

export interface ConfigFile {
  /** The file as the operator named it, for messages. */
  readonly file: string
  readonly content: ConfigFileContent
  /** The connections, validated as the store validates them (same order as in the file). */
  readonly connections: readonly ConnectionInput[]
  /** Line and column of the node at `path`, or of its nearest ancestor in the file. */
  locate(path: Path): { line: number; col: number }
  /** An issue at `path`, for checks made after reading (against the store). */
  issue(path: Path, message: string): ConfigIssue
}

// `${NAME}` is a reference; `$${` writes a literal `${`.
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/**
 * Parses and validates `text`. `file` names it in messages; `env` resolves references.
 * Throws ConfigFileError listing every problem.
 */
export function readConfig(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
): ConfigFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true })
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset)
    return { line, col }
  }
  const locate = (path: Path) => at(offsetOf(doc, path))
  const issue = (path: Path, message: string): ConfigIssue => ({
    file,
    ...locate(path),
    path: formatPath(path),
    message,
  })

  const issues: ConfigIssue[] = doc.errors.map((e) => ({
    file,
    ...at(e.pos[0]),
    path: '',
    // The position is given in front, so drop the one the parser appends.
    message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
  }))
  if (issues.length) throw new ConfigFileError(issues)

  issues.push(
    ...resolveReferences(doc, env, (offset, path, message) => ({
      file,
      ...at(offset),
      path: formatPath(path),
      message,
    })),
  )

  const js: unknown = doc.toJS()
  const parsed = configFileSchema.safeParse(js)
  const fromZod = (error: z.ZodError, prefix: Path) => zodIssues(error, prefix, doc, issue, at)
  if (!parsed.success) issues.push(...fromZod(parsed.error, []))

  // Connections are checked even when another part of the file is bad, so every error shows.
  const unresolved = new Set(issues.map((i) => i.path))
  const connections: ConnectionInput[] = []
  const rawConnections: unknown = parsed.success
    ? parsed.data.connections
    : js !== null && typeof js === 'object' && 'connections' in js
      ? js.connections
      : undefined
  const items = Array.isArray(rawConnections) ? rawConnections : []
  items.forEach((raw: unknown, i) => {
    try {
      connections.push(parseConnectionInput(raw))
    } catch (err) {
      const cause = err instanceof Error ? err.cause : undefined
      if (!(cause instanceof z.ZodError)) throw err
      // A field whose variable is missing is already reported once.
      issues.push(...fromZod(cause, ['connections', i]).filter((x) => !unresolved.has(x.path)))
    }
  })
  if (parsed.success) issues.push(...duplicates(parsed.data, connections, issue))
  if (issues.length || !parsed.success) throw new ConfigFileError(sortIssues(issues))
  return { file, content: parsed.data, connections, locate, issue }
}

/** Replaces references in scalar values (keys are never references). */
function resolveReferences(
  doc: Document,
  env: Record<string, string | undefined>,
  makeIssue: (offset: number, path: Path, message: string) => ConfigIssue,
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return
      node.value = node.value.replace(REFERENCE, (match, variable: string | undefined) => {
        if (variable === undefined) return '${'
        const value = env[variable]
        if (value === undefined || value === '') {
          issues.push(
            makeIssue(
              node.range?.[0] ?? 0,
              pathOf(ancestors, node),
              `environment variable ${variable} is not set; export it before importing`,
            ),
          )
          return match
        }
        return value
      })
    },
  })
  return issues
}

/** The document path (`connections`, 0, `password`) of `node` from its visitor ancestors. */
function pathOf(ancestors: readonly unknown[], node: Node): (string | number)[] {
  const chain = [...ancestors, node]
  const path: (string | number)[] = []
  for (let i = 0; i < chain.length - 1; i++) {
    const here = chain[i]
    const next = chain[i + 1]
    if (isPair(here) && next === here.value) {
      path.push(isScalar(here.key) ? String(here.key.value) : String(here.key))
    } else if (isSeq(here)) {
      path.push(here.items.indexOf(next))
    }
  }
  return path
}

/** Start offset of the node at `path`, or of the nearest ancestor that exists. */
function offsetOf(doc: Document, path: Path): number {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    if (node && typeof node === 'object' && 'range' in node) {
      const range = (node as Node).range
      if (range) return range[0]
    }
  }
  return 0
}

function zodIssues(
  error: z.ZodError,
  prefix: Path,
  doc: Document,
  issue: (path: Path, message: string) => ConfigIssue,
  at: (offset: number) => { line: number; col: number },
): ConfigIssue[] {
  return error.issues.flatMap((i) => {
    const path = [...prefix, ...i.path.filter((p) => typeof p !== 'symbol')] as Path
    if (i.code === 'unrecognized_keys') {
      // Point at each unknown key itself, where the typo is.
      return i.keys.map((k) => {
        const found = issue([...path, k], `unknown field '${k}'`)
        const map = path.length ? doc.getIn(path, true) : doc.contents
        const pair = isMap(map)
          ? map.items.find((p) => isScalar(p.key) && p.key.value === k)
          : undefined
        const keyNode = pair && isScalar(pair.key) ? pair.key : undefined
        return keyNode?.range ? { ...found, ...at(keyNode.range[0]) } : found
      })
    }
    return [issue(path, i.message)]
  })
}

/** Names must be unique per kind, as the store keys them; a second one would overwrite the first. */
function duplicates(
  content: ConfigFileContent,
  connections: readonly ConnectionInput[],
  issue: (path: Path, message: string) => ConfigIssue,
): ConfigIssue[] {
  const found: ConfigIssue[] = []
  const check = (kind: string, keys: readonly string[], what: (key: string) => string) => {
    const first = new Map<string, number>()
    keys.forEach((key, i) => {
      const earlier = first.get(key)
      if (earlier === undefined) first.set(key, i)
      else found.push(issue([kind, i], `${what(key)} is already defined at ${kind}[${earlier}]`))
    })
  }
  check(
    'connections',
    connections.map((c) => c.name),
    (k) => `connection '${k}'`,
  )
  check(
    'securityDefinitions',
    content.securityDefinitions.map((d) => d.name),
    (k) => `security definition '${k}'`,
  )
  check(
    'channels',
    content.channels.map((c) => `${c.method} ${c.path}`),
    (k) => `channel ${k}`,
  )
  check(
    'schedules',
    content.schedules.map((s) => s.name),
    (k) => `schedule '${k}'`,
  )
  return found
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.col - b.col)
}
