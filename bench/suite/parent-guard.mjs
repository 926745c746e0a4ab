// Loaded with `node --import` into a server child of the fuzz and chaos suites: the child exits
// when its parent's IPC channel closes, so a driver that dies leaves no server behind.
import process from 'node:process'

if (process.channel) {
  process.channel.unref()
  process.on('disconnect', () => process.exit(0))
}
