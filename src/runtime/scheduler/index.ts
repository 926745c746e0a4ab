// Cron schedules that invoke services through the durable queue: the scheduler, its clock and
// the migrations of its table. The only entry to this folder.
export type { MissedRunPolicy, Schedule, ScheduleDefinition, ScheduledRun } from './schedule.js'
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js'
export { systemClock, type SchedulerClock } from './scheduler-clock.js'
export { schedulerMigrations } from './scheduler-migrations.js'
export type { SchedulerTables } from './schedule-rows.js'
