#!/usr/bin/env node
// The `forcebridge` command. The CLI is compiled to dist/ by `npm run build` (run by `npm ci`).
import { main } from '../dist/cli/main.js'

await main(process.argv)
