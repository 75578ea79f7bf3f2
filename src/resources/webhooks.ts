import { eventCallbacks, events, webhooks } from '../db/schema/webhooks';
import { violation } from '../jsonapi/violations';
import { attr, defineResource, rel, type TriggerSpec } from './define';

const read = { filter: true, sort: true } as const;
const cufs = { create: true, update: true, ...read } as const;

/** Why a callback URL is refused, or undefined: http(s) only, and no credentials in it (they would be logged). */
export function callbackUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  if (u.username || u.password) return 'must not carry credentials';
  return undefined;
}

const toggles: Record<string, TriggerSpec> = {
  _disable: { on: ['create', 'update'], description: 'Send this attribute to stop sending the webhook.' },
  _enable: { on: ['create', 'update'], description: 'Send this attribute to send a disabled webhook again.' },
};

const w = webhooks;

/** docs/webhooks.md: what to POST where when a topic's event happens. Integrations only. */
export const webhooksResource = defineResource({
  type: 'webhooks',
  singular: 'webhook',
  description:
    "A subscription to a topic: each event is POSTed to callback_url as the resource's JSON:API document, " +
    'signed with shared_secret.',
  table: w,
  attributes: {
    name: attr.string({ column: w.name, ...cufs, description: 'Unique name for the webhook.' }),
    topic: attr.string({
      column: w.topic,
      ...cufs,
      required: true,
      description: 'The event that sends it, e.g. orders.place.',
    }),
    callback_url: attr.string({
      column: w.callback_url,
      ...cufs,
      required: true,
      description: 'http(s), without credentials.',
    }),
    include_resources: attr.array({
      column: w.include_resources,
      create: true,
      update: true,
      nullable: false,
      description: 'Include paths applied to the payload, as in ?include=.',
    }),
    shared_secret: attr.string({
      column: w.shared_secret,
      hiddenFromSalesChannels: true,
      description: 'Signs each payload: X-CommerceLayer-Signature = base64(HMAC-SHA256(body, shared_secret)).',
    }),
    disabled_at: attr.datetime({ column: w.disabled_at, ...read }),
    circuit_state: attr.string({
      column: w.circuit_state,
      ...read,
      description: 'closed, or open after 30 failures in a row.',
    }),
    circuit_failure_count: attr.integer({ column: w.circuit_failure_count, ...read }),
  },
  triggers: {
    ...toggles,
    _reset_circuit: {
      on: ['update'],
      prohibited: true,
      description: 'Close the circuit and zero the failure count: sending resumes.',
    },
  },
  relationships: {
    last_event_callbacks: rel.toMany('event_callbacks', 'webhook_id', { description: 'Every try to send it.' }),
  },
  validate: (r) => {
    const problem = typeof r.callback_url === 'string' ? callbackUrlProblem(r.callback_url) : undefined;
    return problem ? [violation.unacceptable('callback_url', problem)] : [];
  },
});

const e = events;

/** The topics, one record each per mode; `_trigger` sends the topic's last payload again. */
export const eventsResource = defineResource({
  type: 'events',
  singular: 'event',
  description: 'A topic webhooks listen to.',
  table: e,
  actions: ['list', 'retrieve', 'update'],
  attributes: { name: attr.string({ column: e.name, ...read, description: "The event's name, e.g. orders.create." }) },
  triggers: {
    _trigger: {
      on: ['update'],
      prohibited: true,
      description: 'Send the last payload of this topic again to every enabled webhook listening to it.',
    },
  },
  relationships: {
    webhooks: rel.toMany('webhooks', 'event_id'),
    last_event_callbacks: rel.toMany('event_callbacks', 'event_id'),
  },
});

const c = eventCallbacks;

/** One try to send one event to one webhook. */
export const eventCallbacksResource = defineResource({
  type: 'event_callbacks',
  singular: 'event_callback',
  description: "A try to send an event: the payload, and the receiver's answer.",
  table: c,
  actions: ['list', 'retrieve'],
  versioned: false,
  attributes: {
    callback_url: attr.string({ column: c.callback_url, ...read }),
    payload: attr.object({ column: c.payload }),
    response_code: attr.string({
      column: c.response_code,
      ...read,
      description: 'The HTTP status, or null without an answer.',
    }),
    response_message: attr.string({
      column: c.response_message,
      description: 'The status text, or why there was no answer.',
    }),
  },
  relationships: { webhook: rel.toOne('webhooks', 'webhook_id') },
});
