// Plain-text tables for the terminal: columns padded to their widest cell, capped so one long
// value does not push everything off screen.
const MAX_WIDTH = 48

export function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > MAX_WIDTH ? `${flat.slice(0, MAX_WIDTH - 1)}…` : flat
}

export function widths(header: string[], rows: string[][]): number[] {
  return header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
}

export function formatRow(cells: string[], w: number[]): string {
  return cells
    .map((c, i) => {
      const width = w[i] ?? c.length
      return (c.length > width ? `${c.slice(0, width - 1)}…` : c).padEnd(width)
    })
    .join('  ')
    .trimEnd()
}

export function formatTable(header: string[], rows: string[][]): string {
  const w = widths(header, rows)
  const rule = w.map((n) => '-'.repeat(n))
  return [formatRow(header, w), formatRow(rule, w), ...rows.map((r) => formatRow(r, w))].join('\n')
}
