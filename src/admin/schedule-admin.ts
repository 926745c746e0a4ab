// What the admin needs from the scheduler (src/runtime/scheduler/): list with the next run, add
// and remove. Pass the runtime's `Scheduler` itself; only these methods are used.
import type { Scheduler } from '../runtime/index.js'

export type ScheduleAdmin = Pick<Scheduler, 'list' | 'add' | 'remove'>
