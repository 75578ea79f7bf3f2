import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { settings } from '../db/schema/auth';
import { type Attribute, attr, defineResource } from '../resources/define';
import { JOB_LIMITS } from '../resources/jobs';
import type { AppDeps } from './deps';
import { registerSingleton, singletonOf } from './singleton';

/** What Allot's limits and behaviour say for Commerce Layer's organization settings (SDK `Organization`). */
const MEANINGFUL: Record<string, Attribute> = {
  inventory_models_max_stock_locations_cutoff: attr.integer({
    read: () => 10,
    description: 'The maximum stock_locations_cutoff of an inventory model.',
  }),
  imports_max_concurrent_count: attr.integer({
    read: () => JOB_LIMITS.maxConcurrent,
    description: 'Imports pending or in progress at once (both modes) before a new one is refused (422).',
  }),
  exports_max_concurrent_count: attr.integer({
    read: () => JOB_LIMITS.maxConcurrent,
    description: 'Exports pending or in progress at once (both modes) before a new one is refused (422).',
  }),
  imports_purge_cache: attr.boolean({
    read: () => true,
    description: 'What an import writes is seen at once by every read, the response cache included (always, in Allot).',
  }),
  imports_skip_errors: attr.boolean({
    read: () => false,
    description: 'Imports are interrupted when more than 10% of their inputs fail, unless they skip errors.',
  }),
  imports_trigger_webhooks: attr.boolean({ read: () => false, description: 'Imports fire no webhooks.' }),
  orders_validate_shipping_stock: attr.boolean({
    read: () => true,
    description: 'Placing an order checks that its shipments can be served from stock (always, in Allot).',
  }),
};

/** Commerce Layer's other organization attributes: about features Allot does not have, so null. */
const UNUSED = [
  'support_phone',
  'support_email',
  'logo_url',
  'favicon_url',
  'primary_color',
  'gtm_id',
  'gtm_id_test',
  'config',
  'api_auth_redirect',
  'api_fragment_caching_enabled',
  'api_rules_engine',
  'api_rules_engine_max_conditions_size',
  'api_rules_engine_max_rules_size',
  'api_new_auth',
  'api_purge_single_resource',
  'api_max_regex_length',
  'addresses_avs_check',
  'addresses_phone_required',
  'orders_sales_channel_guest_only',
  'orders_min_rebuild_shipments_lapse',
  'orders_min_refresh_lapse',
  'orders_autorefresh_cutoff_test',
  'orders_autorefresh_cutoff_live',
  'orders_number_editable_test',
  'orders_number_editable_live',
  'orders_number_as_reference',
  'orders_invalid_coupon_errors',
  'orders_invalid_gift_card_errors',
  'bundles_max_items_count',
  'coupons_min_code_length',
  'coupons_max_code_length',
  'gift_cards_exact_code_matching',
  'gift_cards_min_code_length',
  'gift_cards_max_code_length',
  'cleanups_max_concurrent_count',
  'promotions_max_concurrent_count',
  'promotions_max_conditions_size',
  'promotions_max_rules_size',
  'price_lists_max_conditions_size',
  'price_lists_max_rules_size',
  'discount_engines_enabled',
  'discount_engines_errors',
  'tags_max_name_length',
  'tags_max_allowed_number',
  'tax_calculators_errors',
  'external_promotions_errors',
  'external_prices_errors',
  'skus_discovery',
  'payment_gateways_transaction_on_event',
];

/**
 * `GET /api/organization`: the official CLI's login reads it to check the
 * credentials and name the organization. Readable by every token.
 */
export const organizationResource = singletonOf(
  defineResource({
    type: 'organizations',
    singular: 'organization',
    description: 'The organization: its name, slug and API domain, and the limits Allot applies.',
    table: settings,
    actions: ['retrieve'],
    attributes: {
      name: attr.string({ description: "The organization's name (ORGANIZATION_NAME)." }),
      slug: attr.string({ description: "The organization's slug (ORGANIZATION_SLUG), as in tokens." }),
      domain: attr.string({ description: 'Where its API answers: `{slug}.{DOMAIN}`.' }),
      ...Object.fromEntries(UNUSED.map((n) => [n, attr.string({ read: () => null })])),
      ...MEANINGFUL,
    },
    relationships: {},
  }),
);

export function registerOrganizationRoute(api: FastifyInstance, deps: AppDeps): void {
  const { organizationName: name, organizationSlug: slug, domain } = deps.config;
  registerSingleton(api, 'organization', organizationResource, async () => {
    // the organization is born with its id (auth/keys.ts): that row says when
    const rows = await deps.database.db.select().from(settings).where(eq(settings.key, 'organization_id'));
    const since = rows[0]?.created_at ?? null;
    return {
      id: deps.issuer.organization.id,
      name,
      slug,
      domain: `${slug}.${domain}`,
      created_at: since,
      updated_at: since,
      reference: null,
      reference_origin: null,
      metadata: {},
    };
  });
}
