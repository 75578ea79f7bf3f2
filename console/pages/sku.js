// One SKU: availability per market, and stock per location (quantity, reserved, available) with the
// quantity editable in place; every change reloads both, so its effect shows at once.
import { html, useState } from '../lib/html.js';
import { CheckField, Field, FormErrors, Loading, Pager, SelectField, useAsync } from '../lib/ui.js';
import { Availability } from './availability.js';

const QTY = '/data/attributes/quantity';

export function SkuPage({ api, session, canWrite, id }) {
  const [version, setVersion] = useState(0);
  const [page, setPage] = useState(1);
  const sku = useAsync(() => api.get('skus', id, { include: 'shipping_category' }), [id]);
  const stock = useAsync(
    () =>
      api.list('stock_items', {
        'filter[q][sku_id_eq]': id,
        include: 'stock_location,reserved_stock',
        sort: 'created_at',
        'page[size]': 25,
        'page[number]': page,
      }),
    [id, page, version],
  );
  const changed = () => setVersion((v) => v + 1);
  const s = sku.data;
  const stockedAt = new Set((stock.data?.items ?? []).map((i) => i.stock_location?.id));
  return html`<h1 tabindex="-1">${s ? `SKU ${s.code}` : 'SKU'}</h1>
    ${sku.error ? html`<p class="form-errors" role="alert">${sku.error.message}</p>` : null}
    ${s ? html`<p class="lead">${s.name}${s.shipping_category ? ` · shipping category ${s.shipping_category.name}` : ''}</p>` : null}
    ${s && stock.data ? html`<${Availability} api=${api} session=${session} skuId=${id} stock=${stock.data} />` : null}
    <section aria-labelledby="stock-h">
      <h2 id="stock-h">Stock per location</h2>
      ${stock.error ? html`<p class="form-errors" role="alert">${stock.error.message}</p>` : null}
      ${stock.data ? html`<${StockTable} api=${api} items=${stock.data.items} canWrite=${canWrite} onChange=${changed} />` : html`<${Loading} what="stock" />`}
      <${Pager} meta=${stock.data?.meta} page=${page} onPage=${setPage} label="Stock items" />
      ${canWrite && s ? html`<${AddStock} api=${api} skuId=${id} stockedAt=${stockedAt} onChange=${changed} />` : null}
    </section>`;
}

function StockTable({ api, items, canWrite, onChange }) {
  if (!items.length) return html`<p role="status">This SKU has no stock item yet.</p>`;
  return html`<table class="stock">
    <caption class="sr-only">Stock per location</caption>
    <thead><tr>
      <th scope="col">Stock location</th><th scope="col">Quantity</th><th scope="col">Reserved</th><th scope="col">Available</th><th scope="col">Why this number</th>
      ${canWrite ? html`<th scope="col">Set quantity</th>` : null}
    </tr></thead>
    <tbody>${items.map((i) => html`<${StockRow} key=${i.id} api=${api} item=${i} canWrite=${canWrite} onChange=${onChange} />`)}</tbody>
  </table>`;
}

function StockRow({ api, item, canWrite, onChange }) {
  const [value, setValue] = useState(String(item.quantity));
  const [validate, setValidate] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const reserved = item.reserved_stock?.quantity ?? 0;
  const where = item.stock_location?.name ?? 'location';
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.update('stock_items', item.id, { quantity: Number(value), ...(validate ? { _validate: true } : {}) });
      onChange();
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  return html`<tr data-location=${item.stock_location?.code ?? ''}>
    <th scope="row">${where}${item.stock_location?.code ? html` <small>${item.stock_location.code}</small>` : null}</th>
    <td class="num" data-cell="quantity">${item.quantity}</td>
    <td class="num" data-cell="reserved">${reserved}${reserved > item.quantity ? html`<small data-cell="short"> short by ${reserved - item.quantity}</small>` : null}</td>
    <td class="num" data-cell="available">${Math.max(0, item.quantity - reserved)}</td>
    <td><a href=${`#/ledger/${encodeURIComponent(item.id)}`}>Ledger<span class="sr-only"> of ${where}</span></a></td>
    ${
      canWrite
        ? html`<td><form class="inline" onSubmit=${save}>
          <${Field} label=${`Quantity at ${where}`} type="number" min="0" step="1" value=${value} onInput=${setValue} error=${error} pointer=${QTY} required />
          <${CheckField} label="_validate" title="Refuse a quantity below the reserved stock (without it, a count may leave the item short)" checked=${validate} onChange=${setValidate} error=${error} pointer="/data/attributes/_validate" />
          <button type="submit" disabled=${busy}>Save</button>
          <${FormErrors} error=${error} claimed=${[QTY, '/data/attributes/_validate']} />
        </form></td>`
        : null
    }
  </tr>`;
}

function AddStock({ api, skuId, stockedAt, onChange }) {
  const locations = useAsync(
    () => api.all('stock_locations', { sort: 'name', 'fields[stock_locations]': 'name,code' }),
    [],
  );
  const [location, setLocation] = useState('');
  const [quantity, setQuantity] = useState('0');
  const [error, setError] = useState(null);
  const options = (locations.data?.items ?? [])
    .filter((l) => !stockedAt.has(l.id))
    .map((l) => ({ value: l.id, label: `${l.name}${l.code ? ` (${l.code})` : ''}` }));
  const add = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.create(
        'stock_items',
        { quantity: Number(quantity) },
        {
          sku: { type: 'skus', id: skuId },
          ...(location ? { stock_location: { type: 'stock_locations', id: location } } : {}),
        },
      );
      setLocation('');
      setQuantity('0');
      onChange();
    } catch (err) {
      setError(err);
    }
  };
  const claimed = ['/data/relationships/stock_location', QTY];
  return html`<form class="card row" onSubmit=${add} aria-labelledby="add-stock-h">
    <h3 id="add-stock-h">Stock this SKU at another location</h3>
    <${SelectField} label="Stock location" placeholder="Choose a location" options=${options} value=${location} onChange=${setLocation} error=${error} pointer=${claimed[0]} />
    <${Field} label="Quantity" type="number" min="0" step="1" value=${quantity} onInput=${setQuantity} error=${error} pointer=${QTY} />
    <button type="submit">Add stock item</button>
    <${FormErrors} error=${error} claimed=${claimed} />
  </form>`;
}
