// Reads secrets for the CLI: from an environment variable named by a flag
// (`--password-env SF_PASSWORD`), or from a hidden prompt on a terminal. Never from argv,
// where they would land in shell history and `ps`, and never echoed.
import { ForcebridgeError } from '../util/index.js'

/** The value of the variable `name`; a clear error when it is unset or empty. */
export function secretFromEnv(
  name: string,
  flag: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const value = env[name]
  if (value === undefined || value === '') {
    throw new ForcebridgeError(
      'MISSING_SECRET',
      `${flag} ${name}: the environment variable ${name} is not set or empty`,
    )
  }
  return value
}

/** True when a person can answer a prompt. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY)
}

/**
 * Asks for a secret on the terminal without echoing it. Returns undefined for an empty answer
 * when `optional`. Ctrl-C aborts the command.
 */
export function promptSecret(label: string, optional = false): Promise<string | undefined> {
  const stdin = process.stdin
  const out = process.stderr
  out.write(`${label}${optional ? ' (Enter to skip)' : ''}: `)
  return new Promise((resolve, reject) => {
    let value = ''
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    const finish = (err?: Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      out.write('\n')
      if (err) reject(err)
      else resolve(value === '' && optional ? undefined : value)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish()
        if (ch === '\u0003') return finish(new ForcebridgeError('ABORTED', 'aborted'))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else if (ch >= ' ') value += ch
      }
    }
    stdin.on('data', onData)
  })
}
