// Stock transfers: filter by status, create one, advance or cancel it (each step confirmed first).
import { html, useState } from '../lib/html.js';
import { TRANSFER } from '../lib/triggers.js';
import { Field, FormErrors, ListBody, Pager, SelectField, Status, useAsync, useConfirm } from '../lib/ui.js';
import { TriggerButtons } from './order.js';

const STATUSES = ['draft', 'upcoming', 'on_hold', 'picking', 'in_transit', 'completed', 'cancelled'];
const at = (l) => (l ? `${l.name}${l.code ? ` (${l.code})` : ''}` : '—');

export function TransfersPage({ api, canWrite }) {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const r = useAsync(
    () =>
      api.list('stock_transfers', {
        'filter[q][status_eq]': status,
        sort: '-created_at',
        include: 'origin_stock_location,destination_stock_location',
        'fields[stock_locations]': 'name,code',
        'page[size]': 25,
        'page[number]': page,
      }),
    [status, page],
  );
  const [dialog, ask] = useConfirm(r.reload);
  return html`<h1 tabindex="-1">Stock transfers</h1>
    <div class="row filters">
      <${SelectField} label="Status" placeholder="Any status" value=${status} onChange=${(v) => {
        setStatus(v);
        setPage(1);
      }}
        options=${STATUSES.map((s) => ({ value: s, label: s.replaceAll('_', ' ') }))} />
    </div>
    <${ListBody} r=${r} what="stock transfers" empty=${`No stock transfer${status ? ` is ${status.replaceAll('_', ' ')}` : ' yet'}.`} table=${(
      items,
    ) => html`<table>
        <caption class="sr-only">Stock transfers</caption>
        <thead><tr><th scope="col">Number</th><th scope="col">SKU</th><th scope="col">Quantity</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Status</th>${canWrite ? html`<th scope="col">Actions</th>` : null}</tr></thead>
        <tbody>${items.map(
          (t) => html`<tr data-transfer=${t.number}>
            <th scope="row">${t.number}</th><td>${t.sku_code}</td><td class="num">${t.quantity}</td>
            <td>${at(t.origin_stock_location)}</td><td>${at(t.destination_stock_location)}</td><td><${Status} value=${t.status} /></td>
            ${canWrite ? html`<td><${TriggerButtons} machine=${TRANSFER} record=${t} name=${`transfer ${t.number}`} type="stock_transfers" api=${api} ask=${ask} canWrite=${canWrite} /></td>` : null}
          </tr>`,
        )}</tbody>
      </table>`} />
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="Stock transfers" />
    ${canWrite ? html`<${NewTransfer} api=${api} onCreated=${r.reload} />` : null}
    ${dialog}`;
}

const P = {
  sku: '/data/attributes/sku_code',
  quantity: '/data/attributes/quantity',
  origin: '/data/relationships/origin_stock_location',
  destination: '/data/relationships/destination_stock_location',
};

function NewTransfer({ api, onCreated }) {
  const locations = useAsync(
    () => api.all('stock_locations', { sort: 'name', 'fields[stock_locations]': 'name,code' }),
    [],
  );
  const [v, setV] = useState({ sku_code: '', quantity: '1', origin: '', destination: '' });
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const options = (locations.data?.items ?? []).map((l) => ({ value: l.id, label: at(l) }));
  const ref = (id) => (id ? { type: 'stock_locations', id } : undefined);
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const t = await api.create(
        'stock_transfers',
        { sku_code: v.sku_code.trim(), quantity: Number(v.quantity) },
        Object.fromEntries(
          Object.entries({
            origin_stock_location: ref(v.origin),
            destination_stock_location: ref(v.destination),
          }).filter(([, x]) => x),
        ),
      );
      setCreated(t.number);
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card row" onSubmit=${create} aria-labelledby="new-transfer-h">
    <h2 id="new-transfer-h">New stock transfer</h2>
    <${Field} label="SKU code" value=${v.sku_code} onInput=${set('sku_code')} error=${error} pointer=${P.sku} spellcheck="false" />
    <${Field} label="Quantity" type="number" min="1" value=${v.quantity} onInput=${set('quantity')} error=${error} pointer=${P.quantity} />
    <${SelectField} label="From" placeholder="Origin" options=${options} value=${v.origin} onChange=${set('origin')} error=${error} pointer=${P.origin} />
    <${SelectField} label="To" placeholder="Destination" options=${options} value=${v.destination} onChange=${set('destination')} error=${error} pointer=${P.destination} />
    <button type="submit" class="primary">Create transfer</button>
    ${created ? html`<p role="status" class="ok">Transfer ${created} created (draft): its units are held at the origin.</p>` : null}
    <${FormErrors} error=${error} claimed=${Object.values(P)} />
  </form>`;
}
