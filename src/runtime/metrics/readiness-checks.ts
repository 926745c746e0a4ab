// Builds the `ready()` function of /readyz from named checks: each one passes when it resolves.

export interface Readiness {
  ok: boolean
  /** `'ok'` per passing check; the failing ones say why. */
  checks: Record<string, string>
}

export interface ReadinessCheckOptions {
  /** A check still running after this long fails. Default 2,000 ms. */
  timeoutMs?: number
}

/**
 * Runs every check at once on each call. A check fails when it throws, rejects or outlives the
 * timeout; its error message is reported, so checks must not put secrets in their errors.
 *
 * @example
 * const ready = readinessChecks({
 *   store: () => store.ping(),
 *   services: () => { if (report.failed.length) throw new Error(`${report.failed.length} service files failed to load`) },
 * })
 */
export function readinessChecks(
  checks: Record<string, () => unknown>,
  options: ReadinessCheckOptions = {},
): () => Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? 2_000
  return async () => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, string]> => [
        name,
        await run(check, timeoutMs),
      ]),
    )
    const results: Record<string, string> = Object.fromEntries(entries)
    return { ok: Object.values(results).every((r) => r === 'ok'), checks: results }
  }
}

async function run(check: () => unknown, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs)
  })
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          () => 'ok',
          (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
