// Why this number: a stock item's ledger (GET /api/stock_items/{id}/stock_movements), newest first, with
// each movement's deltas, the counters after it, its reason, who made it and the order, transfer, return
// or import behind it; and the counters as of a chosen time, replayed by the API (`as_of`).
import { html, useState } from '../lib/html.js';
import { Field, FormErrors, Loading, Pager, useAsync } from '../lib/ui.js';

/** Where the console shows each source; transfers have no page of their own, so their list. */
const SOURCE = {
  orders: (id) => ({ href: `#/orders/${encodeURIComponent(id)}`, label: 'Order' }),
  returns: (id) => ({ href: `#/returns/${encodeURIComponent(id)}`, label: 'Return' }),
  stock_transfers: () => ({ href: '#/transfers', label: 'Stock transfer' }),
  imports: (id) => ({ href: `#/imports/${encodeURIComponent(id)}`, label: 'Import' }),
};

const signed = (n) => (n > 0 ? `+${n}` : String(n));
const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function LedgerPage({ api, id }) {
  const [page, setPage] = useState(1);
  const item = useAsync(
    () => (id ? api.get('stock_items', id, { include: 'sku,stock_location,reserved_stock' }) : Promise.resolve(null)),
    [id],
  );
  const moves = useAsync(
    () =>
      id
        ? api.list(`stock_items/${id}/stock_movements`, { 'page[size]': 25, 'page[number]': page })
        : Promise.resolve(null),
    [id, page],
  );
  if (!id)
    return html`<h1 tabindex="-1">Stock ledger</h1>
      <p>Open a SKU and follow “Ledger” next to one of its stock items.</p>`;
  const i = item.data;
  const where = i ? `${i.sku?.code ?? 'SKU'} at ${i.stock_location?.name ?? 'a stock location'}` : '';
  return html`<h1 tabindex="-1">${i ? `Stock ledger: ${where}` : 'Stock ledger'}</h1>
    ${item.error ? html`<p class="form-errors" role="alert">${item.error.message}</p>` : null}
    ${
      i
        ? html`<p class="lead">
          Now <span data-now="quantity">${i.quantity}</span> on hand, <span data-now="reserved">${i.reserved_stock?.quantity ?? 0}</span> reserved.${' '}
          ${i.sku ? html`<a href=${`#/skus/${encodeURIComponent(i.sku.id)}`}>Back to SKU ${i.sku.code}</a>` : null}
        </p>`
        : null
    }
    <${AsOf} api=${api} id=${id} />
    <section aria-labelledby="moves-h">
      <h2 id="moves-h">Movements, newest first</h2>
      ${moves.error ? html`<p class="form-errors" role="alert">${moves.error.message}</p>` : null}
      ${moves.data ? html`<${Movements} items=${moves.data.items} />` : html`<${Loading} what="movements" />`}
      <${Pager} meta=${moves.data?.meta} page=${page} onPage=${setPage} label="Movements" />
    </section>`;
}

function Movements({ items }) {
  if (!items.length) return html`<p role="status">No movement yet.</p>`;
  return html`<table class="ledger">
    <caption class="sr-only">Movements of this stock item, newest first</caption>
    <thead><tr>
      <th scope="col">When</th><th scope="col">On hand</th><th scope="col">Reserved</th>
      <th scope="col">On hand after</th><th scope="col">Reserved after</th><th scope="col">Reason</th>
      <th scope="col">Who (application)</th><th scope="col">Behind it</th>
    </tr></thead>
    <tbody>${items.map((m) => html`<${Movement} key=${m.id} m=${m} />`)}</tbody>
  </table>`;
}

function Movement({ m }) {
  const src = m.source_type && m.source_id ? SOURCE[m.source_type]?.(m.source_id) : null;
  return html`<tr data-movement=${m.id}>
    <th scope="row"><time datetime=${m.created_at}>${when(m.created_at)}</time></th>
    <td class="num" data-cell="quantity_delta">${signed(m.quantity_delta)}</td>
    <td class="num" data-cell="reserved_delta">${signed(m.reserved_delta)}</td>
    <td class="num" data-cell="quantity_after">${m.quantity_after}</td>
    <td class="num" data-cell="reserved_after">${m.reserved_after}</td>
    <td data-cell="reason">${m.reason}</td>
    <td data-cell="who">${m.application_id ? html`<code title=${m.request_id ? `request ${m.request_id}` : undefined}>${m.application_id}</code>` : '—'}</td>
    <td data-cell="source">${src ? html`<a href=${src.href}>${src.label} ${m.source_id}</a>` : '—'}</td>
  </tr>`;
}

/** `2026-12-02 14:05:09` in the browser's time zone (or any ISO 8601 time with a zone) → ISO 8601 in UTC. */
const toIso = (text) => {
  const t = text.trim().replace(' ', 'T');
  const d = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(t) ? new Date(t.includes('T') ? t : `${t}T00:00:00`) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : t; // anything else goes as typed: the API says why not
};

/** Now in the browser's time zone, to the second, in the form the field takes. */
const localNow = () => {
  const d = new Date();
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

function AsOf({ api, id }) {
  const [at, setAt] = useState(localNow);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const show = async (e) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    try {
      const r = await api.list(`stock_items/${id}/stock_movements`, { as_of: toIso(at), 'page[size]': 1 });
      setResult(r.meta.as_of);
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card row" onSubmit=${show} aria-labelledby="as-of-h">
    <h2 id="as-of-h">Quantity as of a time</h2>
    <${Field} label="As of" value=${at} onInput=${setAt} required spellcheck="false"
      hint="Your browser’s time zone, YYYY-MM-DD HH:MM:SS (or ISO 8601 with a zone): the ledger replayed to then." />
    <button type="submit">Show</button>
    ${
      result
        ? html`<p role="status" class="ok" data-as-of=${result.at}>
          As of ${when(result.at)}: <strong data-as-of-cell="quantity">${result.quantity}</strong> on hand, <strong data-as-of-cell="reserved">${result.reserved}</strong> reserved.
        </p>`
        : null
    }
    <${FormErrors} error=${error} />
  </form>`;
}
