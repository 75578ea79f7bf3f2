// Orders as a board by status; each column pages on the server on its own.
import { html, useState } from '../lib/html.js';
import { LoadError, Pager, Status, useAsync } from '../lib/ui.js';

export const ORDER_STATUSES = ['draft', 'pending', 'placed', 'approved', 'cancelled'];

export function OrdersPage({ api }) {
  return html`<h1 tabindex="-1">Orders</h1>
    <p class="hint">Newest first in each status. Open an order to see its shipments, where each ships from and why, and to run its triggers.</p>
    <div class="board">${ORDER_STATUSES.map((s) => html`<${Column} key=${s} api=${api} status=${s} />`)}</div>`;
}

function Column({ api, status }) {
  const [page, setPage] = useState(1);
  const r = useAsync(
    () =>
      api.list('orders', {
        'filter[q][status_eq]': status,
        sort: '-created_at',
        include: 'market',
        'fields[markets]': 'name,code',
        'page[size]': 10,
        'page[number]': page,
      }),
    [status, page],
  );
  const hid = `col-${status}`;
  return html`<section class="column" aria-labelledby=${hid} data-status=${status}>
    <h2 id=${hid}><${Status} value=${status} /> <span class="count">${r.data ? r.data.meta.record_count : ''}</span></h2>
    <${LoadError} r=${r} />
    <ul class="cards">
      ${(r.data?.items ?? []).map(
        (o) => html`<li class="order-card">
          <a href=${`#/orders/${o.id}`}>Order #${o.number}</a>
          <span>${o.market?.name ?? ''}</span>
          <span class="hint">${o.fulfillment_status?.replaceAll('_', ' ')}${o.customer_email ? ` · ${o.customer_email}` : ''}</span>
        </li>`,
      )}
    </ul>
    ${r.data && !r.data.items.length ? html`<p class="hint">None.</p>` : null}
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label=${`${status} orders`} />
  </section>`;
}
