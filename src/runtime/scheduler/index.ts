// Cron schedules that invoke services through the durable queue: the scheduler, the schedules
// it keeps in the store, and its clock. The only entry to this folder.
export type { MissedRunPolicy, Schedule, ScheduleDefinition, ScheduledRun } from './schedule.js'
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js'
export type { Schedules } from './schedule-book.js'
export { systemClock, type SchedulerClock } from './scheduler-clock.js'
