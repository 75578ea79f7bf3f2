// Webhooks: the list with each circuit's state, a form to create one, and one webhook with its
// recent deliveries (event_callbacks), disable/enable, _reset_circuit and sending its topic's last
// event again (events _trigger) — each stated in a confirm step before it is sent.
import { html, useState } from '../lib/html.js';
import { usePoll, when } from '../lib/poll.js';
import {
  Field,
  FormErrors,
  ListBody,
  LoadError,
  Loading,
  Pager,
  SelectField,
  Status,
  useAsync,
  useConfirm,
} from '../lib/ui.js';

const P = {
  name: '/data/attributes/name',
  topic: '/data/attributes/topic',
  url: '/data/attributes/callback_url',
  include: '/data/attributes/include_resources',
};
const list = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const Circuit = ({ w }) =>
  html`<span class=${`circuit circuit-${w.circuit_state}`}>${w.circuit_state}</span>${
    w.circuit_failure_count ? html` <small>(${w.circuit_failure_count} failures in a row)</small>` : null
  }`;

export function WebhooksPage({ api, canWrite }) {
  const [page, setPage] = useState(1);
  const r = useAsync(
    () => api.list('webhooks', { sort: '-created_at', 'page[size]': 25, 'page[number]': page }),
    [page],
  );
  usePoll(r.reload, !!r.data, 5000);
  return html`<h1 tabindex="-1">Webhooks</h1>
    <p class="hint">Open a webhook to see its deliveries, reset its circuit or send its last event again.</p>
    <${ListBody} r=${r} what="webhooks" empty="No webhook yet." table=${(items) => html`<table>
        <caption class="sr-only">Webhooks</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Topic</th><th scope="col">Callback URL</th><th scope="col">State</th>
          <th scope="col">Circuit</th></tr></thead>
        <tbody>${items.map(
          (w) => html`<tr data-webhook=${w.id}>
            <td><a href=${`#/webhooks/${w.id}`}>${w.name || w.topic}</a></td><td>${w.topic}</td><td><code>${w.callback_url}</code></td>
            <td><${Status} value=${w.disabled_at ? 'disabled' : 'enabled'} /></td><td><${Circuit} w=${w} /></td>
          </tr>`,
        )}</tbody>
      </table>`} />
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="Webhooks" />
    ${canWrite ? html`<${NewWebhook} api=${api} onCreated=${r.reload} />` : null}`;
}

function NewWebhook({ api, onCreated }) {
  const events = useAsync(() => api.all('events', { sort: 'name', 'fields[events]': 'name' }), []);
  const [v, setV] = useState({ name: '', topic: '', url: '', include: '' });
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const w = await api.create('webhooks', {
        ...(v.name.trim() ? { name: v.name.trim() } : {}),
        topic: v.topic,
        callback_url: v.url.trim(),
        include_resources: list(v.include),
      });
      setCreated(w);
      setV({ name: '', topic: '', url: '', include: '' });
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card row" onSubmit=${create} aria-labelledby="new-webhook-h">
    <h2 id="new-webhook-h">New webhook</h2>
    <${Field} label="Name" value=${v.name} onInput=${set('name')} error=${error} pointer=${P.name} />
    <${SelectField} label="Topic" placeholder="Choose a topic" value=${v.topic} onChange=${set('topic')}
      options=${(events.data?.items ?? []).map((x) => ({ value: x.name, label: x.name }))} error=${error} pointer=${P.topic} />
    <${Field} label="Callback URL" type="url" value=${v.url} onInput=${set('url')} error=${error} pointer=${P.url} spellcheck="false" />
    <${Field} label="Include resources" value=${v.include} onInput=${set('include')} error=${error} pointer=${P.include}
      hint="Comma-separated include paths of the payload, e.g. shipments,line_items." spellcheck="false" />
    <button type="submit" class="primary">Create webhook</button>
    ${
      created
        ? html`<div role="status" class="ok">
        <p>Webhook <a href=${`#/webhooks/${created.id}`}>${created.name || created.topic}</a> created. Verify each payload's
          X-CommerceLayer-Signature with its shared secret:</p>
        <p><code class="secret" data-field="shared_secret">${created.shared_secret}</code></p>
      </div>`
        : null
    }
    <${FormErrors} error=${error} claimed=${Object.values(P)} />
  </form>`;
}

export function WebhookPage({ api, canWrite, id }) {
  const r = useAsync(() => api.get('webhooks', id), [id]);
  const w = r.data;
  usePoll(r.reload, !!w, 2000);
  const [dialog, ask] = useConfirm(r.reload);
  const name = w ? `webhook ${w.name || w.topic}` : '';
  const act = (trigger, title, lines, run = () => api.trigger('webhooks', w.id, trigger)) =>
    ask({
      title: `${title}: ${name}`,
      lines: [...lines, `Sends ${trigger} to ${trigger === '_trigger' ? 'events' : 'webhooks'}.`],
      label: title,
      run,
    });
  const again = async () => {
    const [event] = (await api.list('events', { 'filter[q][name_eq]': w.topic, 'fields[events]': 'name' })).items;
    return api.trigger('events', event.id, '_trigger');
  };
  return html`<h1 tabindex="-1">${w ? `Webhook ${w.name || w.topic}` : 'Webhook'}</h1>
    <p><a href="#/webhooks">All webhooks</a></p>
    <${LoadError} r=${r} />
    ${!w ? html`<${Loading} what="the webhook" />` : null}
    ${
      w
        ? html`<dl class="facts">
        <div><dt>Topic</dt><dd>${w.topic}</dd></div>
        <div><dt>Callback URL</dt><dd><code>${w.callback_url}</code></dd></div>
        <div><dt>State</dt><dd data-field="state"><${Status} value=${w.disabled_at ? 'disabled' : 'enabled'} /></dd></div>
        <div><dt>Circuit</dt><dd data-field="circuit"><${Circuit} w=${w} /></dd></div>
        <div><dt>Includes</dt><dd>${(w.include_resources ?? []).join(', ') || '—'}</dd></div>
      </dl>
      ${
        w.shared_secret
          ? html`<details class="secret"><summary>Shared secret</summary><code data-field="shared_secret">${w.shared_secret}</code></details>`
          : null
      }
      ${
        canWrite
          ? html`<div class="triggers" role="group" aria-label="Triggers of the webhook">
          ${
            w.circuit_state === 'open'
              ? html`<button type="button" class="primary" onClick=${() =>
                  act('_reset_circuit', 'Reset circuit', [
                    `Close the circuit and zero its ${w.circuit_failure_count} failures in a row.`,
                    `The deliveries that waited while it was open are sent to ${w.callback_url} again.`,
                  ])}>Reset circuit</button>`
              : null
          }
          ${
            w.disabled_at
              ? html`<button type="button" onClick=${() =>
                  act('_enable', 'Enable', [
                    `Events of ${w.topic} from now on are recorded and sent to ${w.callback_url}.`,
                  ])}>Enable</button>`
              : html`<button type="button" onClick=${() =>
                  act('_disable', 'Disable', [
                    `Stop sending ${w.topic} events to ${w.callback_url}.`,
                    'While it is disabled no event is recorded for it; enabling it later does not send them.',
                  ])}>Disable</button>
                <button type="button" onClick=${() =>
                  act(
                    '_trigger',
                    'Send the last event again',
                    [
                      `The last ${w.topic} event is sent again to every enabled webhook listening to ${w.topic}, this one included.`,
                      'A payload already sent goes with the same bytes and signature.',
                    ],
                    again,
                  )}>Send the last event again</button>`
          }
        </div>`
          : null
      }
      <${Deliveries} api=${api} webhook=${w} />`
        : null
    }
    ${dialog}`;
}

function Deliveries({ api, webhook }) {
  const [page, setPage] = useState(1);
  const r = useAsync(
    () =>
      api.list('event_callbacks', {
        'filter[q][webhook_id_eq]': webhook.id,
        sort: '-created_at',
        'fields[event_callbacks]': 'created_at,callback_url,response_code,response_message',
        'page[size]': 25,
        'page[number]': page,
      }),
    [webhook.id, page],
  );
  usePoll(r.reload, page === 1, 2000);
  return html`<section aria-labelledby="deliveries-h">
    <h2 id="deliveries-h">Recent deliveries <span class="count">${r.data ? r.data.meta.record_count : ''}</span></h2>
    <${LoadError} r=${r} />
    ${
      !r.data
        ? html`<${Loading} what="deliveries" />`
        : !r.data.items.length
          ? html`<p>No delivery yet: one is tried when a ${webhook.topic} event happens.</p>`
          : html`<table class="deliveries">
        <caption class="sr-only">Deliveries, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Response</th><th scope="col">Message</th><th scope="col">To</th></tr></thead>
        <tbody>${r.data.items.map(
          (c) => html`<tr data-callback=${c.id}>
            <td>${when(c.created_at)}</td>
            <td><span class=${`code ${/^2/.test(c.response_code ?? '') ? 'code-ok' : 'code-bad'}`}>${c.response_code ?? 'no answer'}</span></td>
            <td>${c.response_message}</td><td><code>${c.callback_url}</code></td>
          </tr>`,
        )}</tbody>
      </table>`
    }
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="Deliveries" />
  </section>`;
}
