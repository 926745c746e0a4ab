// The org the emulator serves when no org file is given: the demo org of
// examples/demo-org.yaml (one user, one connected app, Campaign.Segment__c, Invoice__c).

import type { OrgFile } from './org-file.js'

export const defaultOrg: OrgFile = {
  name: 'forcebridge demo org',
  settings: { allowUsernamePasswordFlow: true },
  users: [
    {
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      firstName: 'Demo',
      lastName: 'User',
      email: 'my.user@example.com',
    },
  ],
  connectedApps: [
    {
      name: 'forcebridge demo',
      consumerKey: '3MVG9forcebridge.demo.consumer.key',
      consumerSecret: 'forcebridge-demo-consumer-secret',
      flows: ['password', 'client_credentials', 'refresh_token'],
      runAs: 'my.user@example.com',
    },
  ],
  objects: [
    {
      name: 'Campaign',
      fields: [{ name: 'Segment__c', label: 'Segment', type: 'text', length: 80 }],
    },
    {
      name: 'Invoice__c',
      label: 'Invoice',
      fields: [
        {
          name: 'Number__c',
          label: 'Invoice Number',
          type: 'text',
          length: 40,
          externalId: true,
          unique: true,
        },
        {
          name: 'Account__c',
          label: 'Account',
          type: 'lookup',
          referenceTo: 'Account',
          relationshipName: 'Invoices',
        },
        { name: 'Amount__c', label: 'Amount', type: 'currency', precision: 16, scale: 2 },
        {
          name: 'Status__c',
          label: 'Status',
          type: 'picklist',
          values: ['Draft', 'Sent', 'Paid'],
          restricted: true,
          defaultValue: 'Draft',
        },
        { name: 'Due_Date__c', label: 'Due Date', type: 'date' },
        { name: 'Paid__c', label: 'Paid', type: 'checkbox' },
        { name: 'Contact_Email__c', label: 'Contact Email', type: 'email' },
      ],
    },
  ],
}
