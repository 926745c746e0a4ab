// The emulator's HTTPS: a self-signed certificate made at first start and where it is kept.
export { certificateFiles, type CertificateFiles } from './certificate-files.js'
