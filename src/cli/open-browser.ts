// Opens a URL in the user's browser where one can be opened (xdg-open, open, start), spawned
// detached so the command never waits for it; a failure is silent, the URL is printed anyway.
import { spawn } from 'node:child_process'

/** The command that opens a URL on this platform, or undefined where none can (no display). */
function opener(url: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv) {
  if (platform === 'darwin') return { command: 'open', args: [url], verbatim: false }
  if (platform === 'win32') {
    // `start` is built into cmd; its first quoted argument is a window title. Verbatim, so the
    // quotes keep cmd from reading the URL's `&` as a command separator.
    return { command: 'cmd.exe', args: ['/d', '/s', '/c', `start "" "${url}"`], verbatim: true }
  }
  // Without a display xdg-open may start a text browser that fights the command for the
  // terminal: only print the URL then (an SSH session to a server, a container).
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined
  return { command: 'xdg-open', args: [url], verbatim: false }
}

/** Tries to open `url`; true when an opener was started (not whether a browser appeared). */
export function openBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const how = opener(url, platform, env)
  if (!how) return false
  try {
    const child = spawn(how.command, how.args, {
      detached: true,
      stdio: 'ignore',
      windowsVerbatimArguments: how.verbatim,
    })
    child.on('error', () => undefined) // not installed: the printed URL is the way
    child.unref()
    return true
  } catch {
    return false
  }
}
