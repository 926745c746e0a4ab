#!/usr/bin/env node
// The `forcebridge` command. The CLI is compiled to dist/ by `npm run build` (run by `npm ci`).
import { main } from '../dist/cli/main.js'

await main(process.argv)
// A failed command exits now, even if something it opened would keep the process alive: a
// supervisor must see a server that could not start as stopped.
if (process.exitCode) process.exit()
