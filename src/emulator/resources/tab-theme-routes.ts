// `/tabs` (the tabs a user sees: the standard objects' tabs and one per custom object) and
// `/theme` (each object's colours and icons), as the UI API's older siblings answer them.

import type { FastifyInstance } from 'fastify'
import type { ObjectDef } from '../model/index.js'
import type { EmulatorState } from '../server/emulator-state.js'

/** Standard objects with a tab in a new org, with their theme colour. */
const STANDARD_TABS: Record<string, string> = {
  Account: '7F8DE1',
  Asset: '317992',
  Campaign: 'F49756',
  Case: 'F2CF5B',
  Contact: 'A094ED',
  ContentDocument: '7E8BE4',
  Contract: '4BC076',
  Lead: 'F88962',
  Opportunity: 'FCB95B',
  Order: '769ED9',
  Pricebook2: 'B781D3',
  Product2: 'B781D3',
  User: '65CAE4',
}
const CUSTOM_COLOUR = '0B827C'

function icons(instance: string, name: string): Record<string, unknown>[] {
  const base = `${instance}/img/icon/t4v35/${name.endsWith('__c') ? 'custom/custom1' : `standard/${name.toLowerCase()}`}`
  return [
    { contentType: 'image/svg+xml', height: 0, theme: 'theme4', url: `${base}.svg`, width: 0 },
    { contentType: 'image/png', height: 60, theme: 'theme4', url: `${base}_60.png`, width: 60 },
    { contentType: 'image/png', height: 120, theme: 'theme4', url: `${base}_120.png`, width: 120 },
  ]
}

function colors(obj: ObjectDef): Record<string, unknown>[] {
  const color = STANDARD_TABS[obj.name] ?? CUSTOM_COLOUR
  return [
    { color, context: 'primary', theme: 'theme4' },
    { color, context: 'primary', theme: 'theme3' },
  ]
}

export function registerTabThemeRoutes(app: FastifyInstance, state: EmulatorState): void {
  const tabObjects = () => state.store.objects().filter((o) => o.custom || o.name in STANDARD_TABS)

  app.get('/services/data/:version/tabs', () => {
    const instance = state.instanceUrl()
    return tabObjects().map((o) => ({
      colors: colors(o),
      custom: o.custom,
      iconUrl: `${instance}/img/icon/${o.custom ? 'custom' : o.name.toLowerCase()}32.png`,
      icons: icons(instance, o.name),
      label: o.labelPlural,
      miniIconUrl: `${instance}/img/icon/${o.custom ? 'custom' : o.name.toLowerCase()}16.png`,
      name: o.custom ? o.name : `standard-${o.name}`,
      sobjectName: o.name,
      url: `${instance}/lightning/o/${o.name}/home`,
    }))
  })

  app.get('/services/data/:version/theme', () => {
    const instance = state.instanceUrl()
    return {
      themeItems: state.store.objects().map((o) => ({
        colors: colors(o),
        icons: icons(instance, o.name),
        name: o.name,
      })),
    }
  })
}
