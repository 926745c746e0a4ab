// Replay ids: opaque bytes to subscribers. Here an 8-byte big-endian position in the emulator's
// event log (Salesforce's are 10 bytes; clients must treat them as bytes either way).

const LENGTH = 8

export function encodeReplayId(seq: bigint): Buffer {
  const buf = Buffer.alloc(LENGTH)
  buf.writeBigUInt64BE(seq)
  return buf
}

/** The position in a replay id, or undefined when the bytes are not one of ours (corrupted). */
export function decodeReplayId(bytes: Uint8Array): bigint | undefined {
  if (bytes.length !== LENGTH) return undefined
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readBigUInt64BE()
}
