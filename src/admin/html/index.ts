// HTML for the dashboard: escaped templates, forms, tables and the page frame.
export { escapeHtml, html, pretty, seg, Html, type Value } from './html.js'
export { apiForm, field, options, secretInput, shownWhen } from './html-form.js'
export { actionButton, dataTable, deleteButton } from './html-table.js'
export { layout } from './layout.js'
