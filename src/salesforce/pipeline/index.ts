// The client's request path as steps around one send (request-pipeline.ts has the order).
export { requestPipeline } from './request-pipeline.js'
export type { RequestPipelineOptions } from './request-pipeline.js'
export { Call, answerError, isAccepted } from './call.js'
export type { Answer, Send, Step } from './call.js'
