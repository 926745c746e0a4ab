// Jobs and schedules in the admin: their API actions and their pages.
export {
  createSchedule,
  deleteSchedule,
  getJob,
  listBulkCalls,
  listJobs,
  listSchedules,
  purgeJobs,
  retryJob,
} from './job-actions.js'
export { jobDetail, jobList, schedulePage } from './job-pages.js'
