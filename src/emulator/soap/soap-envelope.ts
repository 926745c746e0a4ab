// SOAP answers as the partner API sends them: a response envelope around one result
// element, and faults (HTTP 500) with Salesforce's fault codes and detail elements.

import { escapeXml } from './xml-reader.js'

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:sf="urn:sobject.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'

/** `<soapenv:Envelope>...<opResponse>{inner}</opResponse>...` */
export function soapResponse(operation: string, inner: string): string {
  return `${ENVELOPE_OPEN}<soapenv:Body><${operation}Response>${inner}</${operation}Response></soapenv:Body></soapenv:Envelope>`
}

/** An element with text, or `xsi:nil` for null. */
export function el(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name} xsi:nil="true"/>`
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value)
  return `<${name}>${escapeXml(text)}</${name}>`
}

export type FaultKind =
  | 'LoginFault'
  | 'UnexpectedErrorFault'
  | 'InvalidSObjectFault'
  | 'MalformedQueryFault'
  | 'InvalidQueryLocatorFault'
  | 'InvalidFieldFault'

export class SoapFault extends Error {
  constructor(
    readonly exceptionCode: string,
    message: string,
    readonly kind: FaultKind = 'UnexpectedErrorFault',
    /** `soapenv:Client` for a request the server cannot read. */
    readonly faultCode = `sf:${exceptionCode}`,
  ) {
    super(message)
  }

  toXml(): string {
    const detail = `<sf:${this.kind} xsi:type="sf:${this.kind}"><sf:exceptionCode>${this.exceptionCode}</sf:exceptionCode><sf:exceptionMessage>${escapeXml(this.message)}</sf:exceptionMessage></sf:${this.kind}>`
    return `${ENVELOPE_OPEN}<soapenv:Body><soapenv:Fault><faultcode>${this.faultCode}</faultcode><faultstring>${escapeXml(`${this.exceptionCode}: ${this.message}`)}</faultstring><detail>${detail}</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  }
}
