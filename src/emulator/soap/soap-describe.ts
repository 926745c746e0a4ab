// describeGlobal, describeSObject and describeSObjects of the partner API, built from the same
// describe bodies as REST (data/describe.ts) in the SOAP shapes: DescribeGlobalResult and
// DescribeSObjectResult, arrays as repeated elements, `urls` replaced by urlDetail/urlEdit/urlNew.

import type { ObjectDef } from '../model/index.js'
import { describeObject, globalEntry } from '../data/describe.js'
import { el } from './soap-envelope.js'
import { SoapFault } from './soap-envelope.js'

/** Keys of the REST bodies that the SOAP types do not have. */
const REST_ONLY = new Set(['urls', 'sobjectDescribeOption', 'listviewable', 'lookupLayoutable'])

/** A field's default value is `xsd:anyType`: it names its own type. */
function defaultValueXml(value: unknown): string {
  if (value === null || value === undefined) return ''
  const type =
    typeof value === 'boolean'
      ? 'xsd:boolean'
      : typeof value === 'number'
        ? 'xsd:double'
        : 'xsd:string'
  return el('defaultValue', value).replace('<defaultValue>', `<defaultValue xsi:type="${type}">`)
}

/** A JSON value as partner XML: arrays repeat the element, objects nest, keys in WSDL order. */
function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('')
  if (name === 'defaultValue') return defaultValueXml(value)
  // Optional members a describe leaves empty are left out, as Salesforce sends them.
  if (value === null || value === undefined) return ''
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const inner = Object.keys(o)
      .filter((k) => !REST_ONLY.has(k))
      .sort()
      .map((k) => toXml(k, o[k]))
      .join('')
    return `<${name}>${inner}</${name}>`
  }
  return el(name, value)
}

/** The SOAP-only members of DescribeSObjectResult and DescribeGlobalSObjectResult. */
function soapExtras(obj: ObjectDef, instanceUrl: string, full: boolean): Record<string, unknown> {
  return {
    idEnabled: true,
    ...(full
      ? {
          urlDetail: `${instanceUrl}/{ID}`,
          urlEdit: `${instanceUrl}/{ID}/e`,
          urlNew: `${instanceUrl}/${obj.keyPrefix}/e`,
        }
      : {}),
  }
}

/** `<result>` of describeGlobal: encoding, maxBatchSize and one `sobjects` per object. */
export function describeGlobalXml(
  objects: readonly ObjectDef[],
  version: string,
  instanceUrl: string,
): string {
  const sobjects = objects.map((o) => ({
    ...globalEntry(o, version),
    ...soapExtras(o, instanceUrl, false),
  }))
  return `<result>${el('encoding', 'UTF-8')}${el('maxBatchSize', 200)}${toXml('sobjects', sobjects)}</result>`
}

/** One `<result>` (DescribeSObjectResult) for `obj`. */
export function describeSObjectXml(obj: ObjectDef, version: string, instanceUrl: string): string {
  return toXml('result', { ...describeObject(obj, version), ...soapExtras(obj, instanceUrl, true) })
}

/** The fault Salesforce answers for a type the org does not have. */
export function invalidSObjectFault(name: string): SoapFault {
  return new SoapFault(
    'INVALID_TYPE',
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    'InvalidSObjectFault',
  )
}
