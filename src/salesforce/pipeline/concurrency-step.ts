// At most `maxConcurrency` calls of a client on the wire at once; the others wait in order. A
// slot is held until the answer is read (for a stream: until the caller closes it).

import type { Answer, Step } from './call.js'
import { Semaphore } from './semaphore.js'

export function concurrencyStep(maxConcurrency: number): Step {
  const slots = new Semaphore(maxConcurrency)
  const release = () => slots.release()
  return (next) => async (call) => {
    const wait = slots.acquire()
    if (wait) {
      await call.deadline.race(wait).catch((e: unknown) => {
        // The slot is handed over even when we stopped waiting: give it back.
        void wait.then(release)
        throw e
      })
    }
    let answer: Answer
    try {
      answer = await next(call)
    } catch (err) {
      release()
      throw err
    }
    if (answer.stream) answer.stream.once('close', release)
    else release()
    return answer
  }
}
