// Runs chunk jobs with at most `concurrency` in flight, keeping results in chunk order.

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export async function runChunks<C, R>(
  chunks: readonly C[],
  concurrency: number,
  run: (c: C, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(chunks.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const index = next++
      results[index] = await run(chunks[index] as C, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker))
  return results
}
