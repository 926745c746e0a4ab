// Services in the admin: list, detail, invoke and their settings, as API actions and pages.
export { getService, invokeService, listServiceFiles, listServices } from './service-actions.js'
export { getServiceSettings, updateServiceSettings } from './service-settings-actions.js'
export { serviceDetail, serviceList } from './service-pages.js'
