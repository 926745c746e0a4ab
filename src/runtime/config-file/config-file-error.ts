// The error of a configuration file that cannot be imported: every problem found, each with its
// line and column, so an operator fixes them all in one pass.
import { ForcebridgeError } from '../../util/index.js'

export interface ConfigIssue {
  /** The file as the operator named it. */
  file: string
  /** 1-based. */
  line: number
  /** 1-based. */
  col: number
  /** Where in the document, e.g. `connections[0].loginUrl`; empty for the whole file. */
  path: string
  message: string
}

/** `config.yaml:12:5: connections[0].loginUrl: must be an http(s) URL` */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path ? `${issue.path}: ` : ''
  return `${issue.file}:${issue.line}:${issue.col}: ${where}${issue.message}`
}

/** `connections[0].loginUrl` from `['connections', 0, 'loginUrl']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out ? `.${String(part)}` : String(part)
  }
  return out
}

export class ConfigFileError extends ForcebridgeError {
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const count = issues.length === 1 ? '1 error' : `${issues.length} errors`
    super(
      'CONFIG_INVALID',
      `${issues[0]?.file ?? 'the configuration'} has ${count}; nothing was imported\n` +
        issues.map(formatIssue).join('\n'),
      options,
    )
    this.name = 'ConfigFileError'
    this.issues = issues
  }
}
