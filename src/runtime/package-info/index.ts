// forcebridge's own package: its folder and version. A face of its own, light to import: the
// CLI reads the version for `--version` without loading the rest of the runtime.
export { packageRoot, packageVersion } from './package-root.js'
