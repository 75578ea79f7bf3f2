import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { orders } from '../db/schema/orders';
import { addresses, stockLocations } from '../db/schema/stock';
import type { Violation } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import type { Row } from '../rows/row';
import { attr, defineResource } from './define';
import { scopeMarkets } from './scopes';

const t = addresses;
const cuf = { create: true, update: true, filter: true } as const;
const s = (column: (typeof t)[keyof typeof t], more: object = {}) =>
  attr.string({ column: column as never, ...cuf, ...more });

/** Countries without postal codes: `zip_code` is "required, but for some countries". */
const NO_POSTCODE = new Set(
  (
    'AE AG AO AW BF BI BJ BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GQ GY HK IE KI KM KN KP LC ML MO ' +
    'MR MS MW NR NU QA RW SB SC SL SR ST SY TD TF TG TK TL TO TV UG VU YE ZW'
  ).split(' '),
);

/** Commerce Layer's format: `2883 Geraldine Lane Apt.23, 10013 New York NY (US) (212) 646-338-1228`. */
const fullAddress = (r: Row) =>
  (
    `${[r.line_1, r.line_2].filter(Boolean).join(' ')}, ` +
    `${[r.zip_code, r.city, r.state_code].filter(Boolean).join(' ')} (${r.country_code}) ${r.phone}`
  ).trim();

const fullName = (r: Row) => (r.business ? r.company : [r.first_name, r.last_name].filter(Boolean).join(' ')) || null;

const usedBy = (fk: AnyPgColumn, p: Parameters<typeof scopeMarkets>[0]) =>
  sql`not exists (select 1 from ${orders} where ${fk} = ${t.id}
    and not (${orders.market_id} in (${scopeMarkets(p)}) and ${orders.status} in ('draft', 'pending', 'placed')))`;

/**
 * What a stock location needs of an address, and an order's shipping and billing addresses;
 * geocoding is not provided. A sales channel sees the addresses no stock location uses and no
 * order outside its own (its market's orders while draft, pending or placed): the ones its shoppers
 * create.
 */
export const addressesResource = defineResource({
  type: 'addresses',
  singular: 'address',
  description: 'Addresses, such as the one a stock location ships from.',
  table: t,
  attributes: {
    business: attr.boolean({
      column: t.business,
      ...cuf,
      nullable: false,
      default: false,
      description: 'Indicates if it is a business or a personal address.',
    }),
    first_name: s(t.first_name),
    last_name: s(t.last_name),
    company: s(t.company),
    full_name: attr.string({ read: fullName }),
    line_1: s(t.line_1, { required: true }),
    line_2: s(t.line_2),
    city: s(t.city, { required: true, sort: true }),
    zip_code: s(t.zip_code),
    state_code: s(t.state_code, { sort: true }),
    country_code: s(t.country_code, { required: true, sort: true, description: 'ISO 3166-1 alpha-2 country code.' }),
    phone: s(t.phone, { required: true }),
    full_address: attr.string({ read: fullAddress }),
    name: attr.string({ read: (r) => [fullName(r), fullAddress(r)].filter(Boolean).join(', ') }),
    email: s(t.email),
    notes: s(t.notes),
    lat: attr.float({ column: t.lat, ...cuf, min: -90, max: 90 }),
    lng: attr.float({ column: t.lng, ...cuf, min: -180, max: 180 }),
    is_localized: attr.boolean({ read: (r) => r.lat !== null && r.lng !== null }),
    is_geocoded: attr.boolean({ read: () => false }),
    provider_name: attr.string({ read: () => null }),
    map_url: attr.string({ read: () => null }),
    static_map_url: attr.string({ read: () => null }),
    billing_info: s(t.billing_info),
  },
  relationships: {},
  access: { sales_channel: ['create', 'retrieve', 'update'] },
  scope: (p) =>
    sql`not exists (select 1 from ${stockLocations} where ${stockLocations.address_id} = ${t.id})
      and ${usedBy(orders.shipping_address_id, p)} and ${usedBy(orders.billing_address_id, p)}`,
  validate: (r) => {
    const v: Violation[] = [];
    const blank = (attribute: string) => v.push(violation.blank(attribute));
    if (r.business) {
      if (!r.company) blank('company');
    } else {
      if (!r.first_name) blank('first_name');
      if (!r.last_name) blank('last_name');
    }
    if (!r.zip_code && !NO_POSTCODE.has(r.country_code)) blank('zip_code');
    if (typeof r.country_code === 'string' && !/^[A-Z]{2}$/.test(r.country_code))
      v.push(violation.invalid('country_code', r.country_code));
    return v;
  },
  lockedMessage: 'The address cannot be deleted while a stock location or an order uses it.',
});
