// One order: its line items and shipments, where each ships from and why (`allocation`), and the
// triggers of the order and of each shipment, each stated in a confirm step before it is sent.
import { html } from '../lib/html.js';
import { allowed, ORDER, SHIPMENT } from '../lib/triggers.js';
import { LoadError, Loading, Status, useAsync, useConfirm } from '../lib/ui.js';

const INCLUDE = [
  'market',
  'line_items',
  'shipments',
  'shipments.stock_location',
  'shipments.stock_line_items',
  'shipments.stock_transfers',
  'shipments.stock_transfers.origin_stock_location',
].join(',');

/** The triggers `record.status` allows, each opening the confirm step; `name` says what they act on. */
export function TriggerButtons({ machine, record, name, type, api, ask, canWrite }) {
  if (!canWrite) return null;
  const list = allowed(machine, record.status).filter(([trigger]) => !(trigger === '_restock' && record.restocked_at));
  if (!list.length) return null;
  return html`<div class="triggers" role="group" aria-label=${`Triggers ${name}`}>
    ${list.map(
      ([
        trigger,
        t,
      ]) => html`<button type="button" class=${trigger === '_cancel' ? 'danger' : ''} data-trigger=${trigger}
        onClick=${() => ask({ title: `${t.label}: ${name}`, lines: [...t.what(record), `Sends ${trigger} to ${type}.`], label: `${t.label} ${name}`, run: () => api.trigger(type, record.id, trigger) })}>
        ${t.label}</button>`,
    )}
  </div>`;
}

export function OrderPage({ api, canWrite, id }) {
  const r = useAsync(() => api.get('orders', id, { include: INCLUDE }), [id]);
  const [dialog, ask] = useConfirm(r.reload);
  const o = r.data;
  return html`<h1 tabindex="-1">${o ? `Order #${o.number}` : 'Order'}</h1>
    <p><a href="#/orders">Back to the board</a></p>
    <${LoadError} r=${r} />
    ${!o ? html`<${Loading} what="the order" />` : null}
    ${
      o
        ? html`<dl class="facts">
        <div><dt>Status</dt><dd data-field="status"><${Status} value=${o.status} /></dd></div>
        <div><dt>Payment</dt><dd>${o.payment_status}</dd></div>
        <div><dt>Fulfillment</dt><dd>${o.fulfillment_status?.replaceAll('_', ' ')}</dd></div>
        <div><dt>Market</dt><dd>${o.market?.name}</dd></div>
        ${o.customer_email ? html`<div><dt>Customer</dt><dd>${o.customer_email}</dd></div>` : null}
      </dl>
      <${TriggerButtons} machine=${ORDER} record=${o} name=${`order #${o.number}`} type="orders" api=${api} ask=${ask} canWrite=${canWrite} />
      <section aria-labelledby="lines-h">
        <h2 id="lines-h">Line items</h2>
        <table><caption class="sr-only">Line items</caption>
          <thead><tr><th scope="col">SKU</th><th scope="col">Name</th><th scope="col">Quantity</th></tr></thead>
          <tbody>${(o.line_items ?? []).map((l) => html`<tr><td>${l.sku_code}</td><td>${l.name}</td><td class="num">${l.quantity}</td></tr>`)}</tbody>
        </table>
      </section>
      <section aria-labelledby="ship-h">
        <h2 id="ship-h">Shipments</h2>
        ${!(o.shipments ?? []).length ? html`<p>No shipment${o.status === 'draft' || o.status === 'pending' ? ' until the order is placed' : ''}.</p>` : null}
        ${(o.shipments ?? []).map((s) => html`<${Shipment} s=${s} api=${api} ask=${ask} canWrite=${canWrite} />`)}
      </section>`
        : null
    }
    ${dialog}`;
}

function Shipment({ s, api, ask, canWrite }) {
  const a = s.allocation ?? {};
  const hid = `sh-${s.id}`;
  return html`<article class="card shipment" aria-labelledby=${hid} data-shipment=${s.number}>
    <h3 id=${hid}>Shipment ${s.number} <${Status} value=${s.status} /></h3>
    <p>Ships from <strong>${s.stock_location?.name ?? '—'}</strong>${s.stock_location?.code ? ` (${s.stock_location.code})` : ''}.</p>
    <p class="why"><span class="label">Why:</span> ${a.explanation ?? 'no allocation recorded'}${a.strategy ? html` <small>(strategy ${a.strategy})</small>` : null}</p>
    ${a.awaiting_transfers ? html`<p class="hint">Waits on hold for stock transfers into this location.</p>` : null}
    <ul class="units">${(s.stock_line_items ?? []).map((l) => html`<li>${l.sku_code} × ${l.quantity}</li>`)}</ul>
    ${
      (s.stock_transfers ?? []).length
        ? html`<p>Stock transfers:</p><ul class="units">${s.stock_transfers.map(
            (t) =>
              html`<li>${t.number}: ${t.sku_code} × ${t.quantity} from ${t.origin_stock_location?.name ?? '—'} <${Status} value=${t.status} /></li>`,
          )}</ul>`
        : null
    }
    <${TriggerButtons} machine=${SHIPMENT} record=${s} name=${`shipment ${s.number}`} type="shipments" api=${api} ask=${ask} canWrite=${canWrite} />
  </article>`;
}
