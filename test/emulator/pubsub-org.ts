// The org of the Pub/Sub tests: the demo org with Change Data Capture on Account, Contact and
// Invoice__c, and one platform event.
import { defaultOrg, type OrgFile } from '../../src/emulator/index.js'

export const pubsubOrg: OrgFile = {
  ...defaultOrg,
  events: {
    changeDataCapture: ['Account', 'Contact', 'Invoice__c'],
    platformEvents: [
      {
        name: 'Order_Placed__e',
        fields: [
          { name: 'Order_Number__c', type: 'text', required: true },
          { name: 'Amount__c', type: 'number' },
          { name: 'Rush__c', type: 'checkbox' },
        ],
      },
    ],
  },
}
