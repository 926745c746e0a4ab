// The 5xx answers that are by design, in one place, each with its reason. Anything else at 500
// or above is a finding.

export interface FuzzException {
  name: string
  reason: string
  /**
   * True when this answer (from `target`, to a request for `path`) is this exception. For gRPC,
   * `status` is the gRPC status code and `head` its details.
   */
  matches(target: string, path: string, status: number, head: string): boolean
}

export const FUZZ_EXCEPTIONS: readonly FuzzException[] = [
  {
    name: 'soap-fault',
    reason:
      'the SOAP API answers every fault (a bad envelope, a bad session, an unknown call) with HTTP 500 and a soapenv:Fault body, as Salesforce does (docs/emulator.md, SOAP)',
    matches: (target, path, status, head) =>
      target === 'emulator' && status === 500 && /soap/i.test(path) && head.includes(':Fault>'),
  },
  {
    name: 'grpc-undecodable-message',
    reason:
      'a gRPC message that is not valid protobuf ends INTERNAL "Error deserializing request": grpc-js decides this before any emulator code runs, as grpc-java does ("Invalid protobuf byte sequence")',
    matches: (target, _path, status, head) =>
      target === 'grpc' && status === 13 && head === 'Error deserializing request',
  },
]

export function documentedException(
  target: string,
  path: string,
  status: number,
  head: string,
): FuzzException | undefined {
  return FUZZ_EXCEPTIONS.find((e) => e.matches(target, path, status, head))
}
