// The benchmark's balancer in a process of its own, as a real one runs: its CPU is apart from the
// callers' (and measured apart), and on a busy machine it gets a scheduler slice of its own.
// `startBalancerProcess` spawns this file; over IPC it hears { nodes } (answering { nodes: n }),
// 'stats' (answering { stats }) and 'stop', and it ends when the parent goes.
import { spawn, type ChildProcess } from 'node:child_process'
import { startBalancer } from './round-robin-balancer.js'

export interface BalancerProcess {
  url: string
  child: ChildProcess
  /** Replaces the nodes requests go to; resolves once the balancer uses the new list. */
  setNodes(urls: readonly string[]): Promise<void>
  stats(): Promise<{ failed: number; refused: number }>
  close(): Promise<void>
}

function ask<T>(child: ChildProcess, message: unknown, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (typeof m === 'object' && m !== null && key in m) {
        child.off('message', onMessage)
        resolve((m as Record<string, T>)[key] as T)
      }
    }
    child.on('message', onMessage)
    child.send(message as object)
  })
}

export async function startBalancerProcess(perNode: number): Promise<BalancerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, 'child', String(perNode)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url))
    child.once('exit', (code) => reject(new Error(`the balancer exited at start (code ${code})`)))
  })
  return {
    url,
    child,
    setNodes: async (urls) => {
      await ask<number>(child, { nodes: urls }, 'nodes')
    },
    stats: () => ask(child, 'stats', 'stats'),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}

if (process.argv[2] === 'child') {
  const balancer = await startBalancer({ perNode: Number(process.argv[3]) })
  process.on('message', (m: unknown) => {
    if (m === 'stats') process.send?.({ stats: balancer.stats })
    else if (m === 'stop') void balancer.close().then(() => process.exit(0))
    else if (typeof m === 'object' && m !== null && 'nodes' in m) {
      const nodes = (m as { nodes: string[] }).nodes
      balancer.setNodes(nodes)
      process.send?.({ nodes: nodes.length })
    }
  })
  process.on('disconnect', () => process.exit(0))
  process.send?.({ url: balancer.url })
}
