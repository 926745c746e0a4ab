// The standard objects every emulated org has, with describe metadata close to a real
// Developer Edition org (a realistic subset of each object's fields, not all of them).

import type { FieldDef } from '../model/index.js'
import { field, picklist, readOnly, ref, required } from './field-builder.js'

export interface ObjectTemplate {
  name: string
  label: string
  labelPlural: string
  keyPrefix: string
  hasOwner: boolean
  /** Fields other than the system fields (Id, IsDeleted, audit fields, OwnerId). */
  fields: FieldDef[]
}

const industries = picklist([
  'Agriculture',
  'Banking',
  'Communications',
  'Education',
  'Energy',
  'Finance',
  'Healthcare',
  'Manufacturing',
  'Media',
  'Retail',
  'Technology',
  'Other',
])
const leadSources = picklist([
  'Web',
  'Phone Inquiry',
  'Partner Referral',
  'Purchased List',
  'Other',
])

function address(prefix: string): FieldDef[] {
  return [
    field(`${prefix}Street`, 'textarea'),
    field(`${prefix}City`, 'string', { length: 40 }),
    field(`${prefix}State`, 'string', { length: 80 }),
    field(`${prefix}PostalCode`, 'string', { length: 20 }),
    field(`${prefix}Country`, 'string', { length: 80 }),
  ]
}

/** `Name` computed from FirstName and LastName (Contact, Lead, User). */
const personName = (): FieldDef[] => [
  field('FirstName', 'string', { length: 40 }),
  required('LastName', 'string', { length: 80 }),
  readOnly('Name', 'string', { length: 121, nameField: true, label: 'Full Name' }),
]

export const standardObjects: ObjectTemplate[] = [
  {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    hasOwner: true,
    fields: [
      required('Name', 'string', { nameField: true, label: 'Account Name' }),
      field('Type', 'picklist', {
        picklistValues: picklist([
          'Prospect',
          'Customer - Direct',
          'Customer - Channel',
          'Partner',
          'Other',
        ]),
      }),
      ref('ParentId', 'Account'),
      ...address('Billing'),
      ...address('Shipping'),
      field('Phone', 'phone'),
      field('Fax', 'phone'),
      field('AccountNumber', 'string', { length: 40 }),
      field('Website', 'url'),
      field('Industry', 'picklist', { picklistValues: industries }),
      field('AnnualRevenue', 'currency', { precision: 18, scale: 0 }),
      field('NumberOfEmployees', 'int', { precision: 8 }),
      field('Description', 'textarea', { length: 32000 }),
    ],
  },
  {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    hasOwner: true,
    fields: [
      ref('AccountId', 'Account', { label: 'Account ID' }),
      field('Salutation', 'picklist', {
        picklistValues: picklist(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']),
      }),
      ...personName(),
      field('Email', 'email'),
      field('Phone', 'phone'),
      field('MobilePhone', 'phone'),
      field('Title', 'string', { length: 128 }),
      field('Department', 'string', { length: 80 }),
      field('Birthdate', 'date'),
      field('LeadSource', 'picklist', { picklistValues: leadSources }),
      ...address('Mailing'),
      field('Description', 'textarea', { length: 32000 }),
    ],
  },
  {
    name: 'Lead',
    label: 'Lead',
    labelPlural: 'Leads',
    keyPrefix: '00Q',
    hasOwner: true,
    fields: [
      ...personName(),
      required('Company', 'string'),
      field('Status', 'picklist', {
        nillable: false,
        picklistValues: picklist(
          [
            'Open - Not Contacted',
            'Working - Contacted',
            'Closed - Converted',
            'Closed - Not Converted',
          ],
          true,
        ),
        defaultValue: 'Open - Not Contacted',
      }),
      field('Title', 'string', { length: 128 }),
      field('Email', 'email'),
      field('Phone', 'phone'),
      field('Industry', 'picklist', { picklistValues: industries }),
      field('LeadSource', 'picklist', { picklistValues: leadSources }),
      field('Rating', 'picklist', { picklistValues: picklist(['Hot', 'Warm', 'Cold']) }),
      field('AnnualRevenue', 'currency', { precision: 18, scale: 0 }),
      field('NumberOfEmployees', 'int', { precision: 8 }),
      ...address(''),
      readOnly('IsConverted', 'boolean', { nillable: false }),
      field('Description', 'textarea', { length: 32000 }),
    ],
  },
  {
    name: 'Campaign',
    label: 'Campaign',
    labelPlural: 'Campaigns',
    keyPrefix: '701',
    hasOwner: true,
    fields: [
      required('Name', 'string', { length: 80, nameField: true, label: 'Campaign Name' }),
      ref('ParentId', 'Campaign'),
      field('Type', 'picklist', {
        picklistValues: picklist([
          'Conference',
          'Webinar',
          'Trade Show',
          'Public Relations',
          'Partners',
          'Referral Program',
          'Advertisement',
          'Banner Ads',
          'Direct Mail',
          'Email',
          'Telemarketing',
          'Other',
        ]),
      }),
      field('Status', 'picklist', {
        picklistValues: picklist(['Planned', 'In Progress', 'Completed', 'Aborted']),
      }),
      field('StartDate', 'date'),
      field('EndDate', 'date'),
      field('IsActive', 'boolean', { nillable: false }),
      field('BudgetedCost', 'currency', { precision: 18, scale: 0 }),
      field('ActualCost', 'currency', { precision: 18, scale: 0 }),
      field('ExpectedRevenue', 'currency', { precision: 18, scale: 0 }),
      readOnly('NumberOfLeads', 'int', { precision: 9 }),
      readOnly('NumberOfContacts', 'int', { precision: 9 }),
      field('Description', 'textarea', { length: 32000 }),
    ],
  },
  {
    name: 'Opportunity',
    label: 'Opportunity',
    labelPlural: 'Opportunities',
    keyPrefix: '006',
    hasOwner: true,
    fields: [
      required('Name', 'string', { length: 120, nameField: true, label: 'Opportunity Name' }),
      ref('AccountId', 'Account', { label: 'Account ID' }),
      required('StageName', 'picklist', {
        label: 'Stage',
        picklistValues: picklist([
          'Prospecting',
          'Qualification',
          'Needs Analysis',
          'Value Proposition',
          'Proposal/Price Quote',
          'Negotiation/Review',
          'Closed Won',
          'Closed Lost',
        ]),
      }),
      required('CloseDate', 'date'),
      field('Amount', 'currency', { precision: 18, scale: 2 }),
      field('Probability', 'percent', { precision: 3, scale: 0 }),
      field('Type', 'picklist', {
        picklistValues: picklist([
          'Existing Customer - Upgrade',
          'Existing Customer - Replacement',
          'Existing Customer - Downgrade',
          'New Customer',
        ]),
      }),
      field('LeadSource', 'picklist', { picklistValues: leadSources }),
      field('NextStep', 'string'),
      ref('CampaignId', 'Campaign'),
      readOnly('IsClosed', 'boolean', { nillable: false }),
      readOnly('IsWon', 'boolean', { nillable: false }),
      field('Description', 'textarea', { length: 32000 }),
    ],
  },
  {
    name: 'CampaignMember',
    label: 'Campaign Member',
    labelPlural: 'Campaign Members',
    keyPrefix: '00v',
    hasOwner: false,
    fields: [
      ref('CampaignId', 'Campaign', { nillable: false, required: true, updateable: false }),
      ref('LeadId', 'Lead', { updateable: false }),
      ref('ContactId', 'Contact', { updateable: false }),
      field('Status', 'picklist', {
        picklistValues: picklist(['Sent', 'Responded'], true),
        defaultValue: 'Sent',
      }),
      readOnly('HasResponded', 'boolean', { nillable: false }),
      readOnly('Name', 'string', { length: 121, nameField: true }),
    ],
  },
  {
    name: 'Case',
    label: 'Case',
    labelPlural: 'Cases',
    keyPrefix: '500',
    hasOwner: true,
    fields: [
      readOnly('CaseNumber', 'string', {
        length: 30,
        nameField: true,
        label: 'Case Number',
        nillable: false,
      }),
      field('Subject', 'string'),
      ref('AccountId', 'Account'),
      ref('ContactId', 'Contact'),
      field('Status', 'picklist', {
        nillable: false,
        picklistValues: picklist(['New', 'Working', 'Escalated', 'Closed'], true),
        defaultValue: 'New',
      }),
      field('Priority', 'picklist', {
        picklistValues: picklist(['Medium', 'High', 'Low'], true),
        defaultValue: 'Medium',
      }),
      field('Origin', 'picklist', { picklistValues: picklist(['Phone', 'Email', 'Web']) }),
      field('Type', 'picklist', {
        picklistValues: picklist(['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other']),
      }),
      field('Reason', 'picklist', {
        picklistValues: picklist([
          'Installation',
          'Equipment Complexity',
          'Performance',
          'Breakdown',
          'Other',
        ]),
      }),
      readOnly('IsClosed', 'boolean', { nillable: false }),
      field('Description', 'textarea', { length: 32000 }),
    ],
  },
  {
    name: 'Task',
    label: 'Task',
    labelPlural: 'Tasks',
    keyPrefix: '00T',
    hasOwner: true,
    fields: [
      field('Subject', 'string', { nameField: true }),
      ref('WhoId', ['Contact', 'Lead'], { relationshipName: 'Who', label: 'Name ID' }),
      ref('WhatId', ['Account', 'Opportunity', 'Campaign', 'Case'], {
        relationshipName: 'What',
        label: 'Related To ID',
      }),
      field('ActivityDate', 'date', { label: 'Due Date Only' }),
      field('Status', 'picklist', {
        nillable: false,
        picklistValues: picklist(
          ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
          true,
        ),
        defaultValue: 'Not Started',
      }),
      field('Priority', 'picklist', {
        nillable: false,
        picklistValues: picklist(['Normal', 'High', 'Low'], true),
        defaultValue: 'Normal',
      }),
      readOnly('IsClosed', 'boolean', { nillable: false }),
      field('Description', 'textarea', { length: 32000 }),
    ],
  },
  {
    name: 'User',
    label: 'User',
    labelPlural: 'Users',
    keyPrefix: '005',
    hasOwner: false,
    fields: [
      required('Username', 'string', { length: 80, unique: true }),
      ...personName(),
      required('Email', 'email', { length: 128 }),
      required('Alias', 'string', { length: 8 }),
      field('CommunityNickname', 'string', { length: 40 }),
      field('IsActive', 'boolean', { nillable: false, defaultValue: true }),
      field('Title', 'string', { length: 80 }),
      field('Department', 'string', { length: 80 }),
      field('TimeZoneSidKey', 'picklist', {
        picklistValues: picklist(
          ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Paris', 'GMT'],
          true,
        ),
        defaultValue: 'America/Los_Angeles',
        nillable: false,
      }),
      field('LocaleSidKey', 'picklist', {
        picklistValues: picklist(['en_US', 'en_GB', 'fr_FR', 'de_DE'], true),
        defaultValue: 'en_US',
        nillable: false,
      }),
      field('LanguageLocaleKey', 'picklist', {
        picklistValues: picklist(['en_US', 'fr', 'de'], true),
        defaultValue: 'en_US',
        nillable: false,
      }),
      field('EmailEncodingKey', 'picklist', {
        picklistValues: picklist(['UTF-8', 'ISO-8859-1'], true),
        defaultValue: 'UTF-8',
        nillable: false,
      }),
    ],
  },
]
