// The positions an operator's reset leaves in a subscription's row (`forcebridge subscription
// reset`, the dashboard): the runner starts from the earliest or latest event, or after a replay
// id. `@` is not base64, so the markers never clash with a stored replay id.

export const RESET_EARLIEST = '@earliest'
export const RESET_LATEST = '@latest'

/**
 * The stored position for a reset `to` (`earliest`, `latest` or a replay id in base64, as the
 * subscription shows its position), or undefined when `to` is none of them.
 */
export function resetPosition(to: string): string | undefined {
  if (to === 'earliest') return RESET_EARLIEST
  if (to === 'latest') return RESET_LATEST
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(to) && Buffer.from(to, 'base64').length > 0) return to
  return undefined
}
