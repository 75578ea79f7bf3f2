// Returns: list, create for an approved order, add lines, and move through the return's steps.
import { html, useState } from '../lib/html.js';
import { RETURN } from '../lib/triggers.js';
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
import { TriggerButtons } from './order.js';

export function ReturnsPage({ api, canWrite }) {
  const [page, setPage] = useState(1);
  const r = useAsync(
    () =>
      api.list('returns', {
        sort: '-created_at',
        include: 'order,stock_location',
        'fields[orders]': 'number',
        'fields[stock_locations]': 'name',
        'page[size]': 25,
        'page[number]': page,
      }),
    [page],
  );
  return html`<h1 tabindex="-1">Returns</h1>
    <${ListBody} r=${r} what="returns" empty="No return yet." table=${(items) => html`<table>
        <caption class="sr-only">Returns</caption>
        <thead><tr><th scope="col">Number</th><th scope="col">Order</th><th scope="col">Back to</th><th scope="col">Status</th></tr></thead>
        <tbody>${items.map(
          (x) =>
            html`<tr><td><a href=${`#/returns/${x.id}`}>${x.number}</a></td><td>#${x.order?.number}</td><td>${x.stock_location?.name ?? '—'}</td><td><${Status} value=${x.status} /></td></tr>`,
        )}</tbody>
      </table>`} />
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="Returns" />
    ${canWrite ? html`<${NewReturn} api=${api} />` : null}`;
}

function NewReturn({ api }) {
  const locations = useAsync(
    () => api.all('stock_locations', { sort: 'name', 'fields[stock_locations]': 'name,code' }),
    [],
  );
  const [number, setNumber] = useState('');
  const [back, setBack] = useState('');
  const [error, setError] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const found = number.trim()
        ? (await api.list('orders', { 'filter[q][number_eq]': number.trim(), 'fields[orders]': 'number' })).items[0]
        : undefined;
      if (!found)
        throw {
          errors: [
            {
              detail: `No order numbered ${number.trim() || '(empty)'}.`,
              source: { pointer: '/data/relationships/order' },
            },
          ],
        };
      const ret = await api.create(
        'returns',
        {},
        {
          order: { type: 'orders', id: found.id },
          ...(back ? { stock_location: { type: 'stock_locations', id: back } } : {}),
        },
      );
      location.hash = `#/returns/${ret.id}`;
    } catch (err) {
      setError(err);
    }
  };
  const claimed = ['/data/relationships/order', '/data/relationships/stock_location'];
  return html`<form class="card row" onSubmit=${create} aria-labelledby="new-return-h">
    <h2 id="new-return-h">New return</h2>
    <${Field} label="Order number" inputmode="numeric" value=${number} onInput=${setNumber} error=${error} pointer=${claimed[0]} hint="An approved order." />
    <${SelectField} label="Back to" placeholder="The model's first return location" options=${(locations.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))} value=${back} onChange=${setBack} error=${error} pointer=${claimed[1]} />
    <button type="submit" class="primary">Create return</button>
    <${FormErrors} error=${error} claimed=${claimed} />
  </form>`;
}

export function ReturnPage({ api, canWrite, id }) {
  const r = useAsync(
    () => api.get('returns', id, { include: 'order,order.line_items,stock_location,return_line_items' }),
    [id],
  );
  const [dialog, ask] = useConfirm(r.reload);
  const x = r.data;
  return html`<h1 tabindex="-1">${x ? `Return ${x.number}` : 'Return'}</h1>
    <p><a href="#/returns">All returns</a></p>
    <${LoadError} r=${r} />
    ${!x ? html`<${Loading} what="the return" />` : null}
    ${
      x
        ? html`<dl class="facts">
        <div><dt>Status</dt><dd data-field="status"><${Status} value=${x.status} /></dd></div>
        <div><dt>Order</dt><dd><a href=${`#/orders/${x.order?.id}`}>#${x.order?.number}</a></dd></div>
        <div><dt>Back to</dt><dd>${x.stock_location?.name ?? '—'}</dd></div>
        <div><dt>Restocked</dt><dd data-field="restocked">${x.restocked_at ? 'yes' : 'no'}</dd></div>
      </dl>
      <${TriggerButtons} machine=${RETURN} record=${x} name=${`return ${x.number}`} type="returns" api=${api} ask=${ask} canWrite=${canWrite} />
      <section aria-labelledby="rli-h">
        <h2 id="rli-h">Returned lines</h2>
        ${!(x.return_line_items ?? []).length ? html`<p>No line yet.</p>` : null}
        <ul class="units">${(x.return_line_items ?? []).map((l) => html`<li>${l.sku_code} × ${l.quantity}${l.restocked_at ? ' (restocked)' : ''}</li>`)}</ul>
        ${canWrite && ['draft', 'requested'].includes(x.status) ? html`<${AddLine} api=${api} ret=${x} onAdded=${r.reload} />` : null}
      </section>`
        : null
    }
    ${dialog}`;
}

function AddLine({ api, ret, onAdded }) {
  const [line, setLine] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [error, setError] = useState(null);
  const P = { line: '/data/relationships/line_item', quantity: '/data/attributes/quantity' };
  const add = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.create(
        'return_line_items',
        { quantity: Number(quantity) },
        { return: { type: 'returns', id: ret.id }, ...(line ? { line_item: { type: 'line_items', id: line } } : {}) },
      );
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  const options = (ret.order?.line_items ?? []).map((l) => ({
    value: l.id,
    label: `${l.sku_code} (ordered ${l.quantity})`,
  }));
  return html`<form class="row" onSubmit=${add} aria-label="Add a returned line">
    <${SelectField} label="Line item" placeholder="Choose a line" options=${options} value=${line} onChange=${setLine} error=${error} pointer=${P.line} />
    <${Field} label="Quantity" type="number" min="1" value=${quantity} onInput=${setQuantity} error=${error} pointer=${P.quantity} />
    <button type="submit">Add line</button>
    <${FormErrors} error=${error} claimed=${Object.values(P)} />
  </form>`;
}
