// Files (ContentVersion, ContentDocument, ContentDocumentLink) over the REST API.
export {
  binaryField,
  createContentVersionReply,
  registerMultipartParser,
  sendBinary,
} from './file-routes.js'
