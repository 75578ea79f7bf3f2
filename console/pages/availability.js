// A SKU's availability per market, exactly as `sku.inventory` computes it. Allot computes it only
// for a token with a market in scope, so each market is read with the token issued for it at sign-in.
import { createApi } from '../lib/api.js';
import { html } from '../lib/html.js';
import { Loading, useAsync } from '../lib/ui.js';

/**
 * Which location each level is: `inventory.levels` lists, in the model's priority order within its
 * cutoff, the locations where the SKU has a stock item, without naming them. The console lists the
 * model's locations the same way (priority, then creation) and names the levels from that; when the
 * counts disagree it leaves them unnamed rather than guess.
 */
async function levelNames(api, modelId, cutoff, stockedAt) {
  const { items } = await api.list('inventory_stock_locations', {
    'filter[q][inventory_model_id_eq]': modelId,
    sort: 'priority,created_at',
    include: 'stock_location',
    'fields[stock_locations]': 'name,code',
    'page[size]': 25,
  });
  return items
    .slice(0, cutoff)
    .filter((l) => stockedAt.has(l.stock_location?.id))
    .map((l) => l.stock_location.name);
}

/** Each market's inventory model (one request for all), and the level names of each model once. */
async function modelsOf(api, markets, stockedAt) {
  if (!markets.length) return new Map();
  const { items } = await api.list('markets', {
    'filter[ids]': markets.map((m) => m.id).join(','),
    include: 'inventory_model',
    'fields[markets]': 'inventory_model',
    'fields[inventory_models]': 'name,stock_locations_cutoff',
    'page[size]': 25,
  });
  const names = new Map();
  for (const m of items) {
    const model = m.inventory_model;
    if (model && !names.has(model.id))
      names.set(model.id, levelNames(api, model.id, model.stock_locations_cutoff, stockedAt));
  }
  const out = new Map();
  for (const m of items)
    out.set(m.id, { model: m.inventory_model, names: m.inventory_model ? await names.get(m.inventory_model.id) : [] });
  return out;
}

async function marketRow(m, skuId, models) {
  if (!m.token) return { market: m, error: m.error ?? 'No token for this market.' };
  try {
    const sku = await createApi(m.token).get('skus', skuId, { 'fields[skus]': 'inventory' });
    const { model, names } = (await models).get(m.id) ?? { model: null, names: [] };
    const levels = sku.inventory?.levels ?? [];
    const named = names.length === levels.length;
    return {
      market: m,
      model,
      inventory: sku.inventory,
      levels: levels.map((l, i) => ({ ...l, name: named ? names[i] : `Level ${i + 1}` })),
    };
  } catch (e) {
    return { market: m, error: e.message };
  }
}

/** `stock`: the page of stock items just read; availability is read again whenever it is. */
export function Availability({ api, session, skuId, stock }) {
  const stockedAt = new Set(stock.items.map((i) => i.stock_location?.id));
  const r = useAsync(() => {
    const models = modelsOf(api, session.markets, stockedAt);
    models.catch(() => {}); // each row reports it
    return Promise.all(session.markets.map((m) => marketRow(m, skuId, models)));
  }, [skuId, stock]);
  const missing = session.marketsTotal - session.markets.length;
  return html`<section aria-labelledby="avail-h">
    <h2 id="avail-h">Availability per market</h2>
    <p class="hint">As <code>sku.inventory</code> computes it for a token scoped to each market
      (<code>market:id:…</code>, issued to your application at sign-in): net of reservations, within the model's cutoff.</p>
    ${!session.markets.length ? html`<p role="status">No enabled market when you signed in.</p>` : null}
    ${
      r.data
        ? html`<table class="availability">
        <caption class="sr-only">Availability per market</caption>
        <thead><tr><th scope="col">Market</th><th scope="col">Inventory model</th><th scope="col">Available</th><th scope="col">Quantity</th><th scope="col">By location (priority order)</th></tr></thead>
        <tbody>${r.data.map((row) => html`<${MarketRow} row=${row} />`)}</tbody>
      </table>`
        : session.markets.length
          ? html`<${Loading} what="availability" />`
          : null
    }
    ${missing > 0 ? html`<p class="hint">${missing} more market${missing === 1 ? '' : 's'} without a token: the console asks for at most ${session.markets.length} at sign-in.</p>` : null}
    <p class="hint">Markets created or enabled after you signed in appear when you sign in again.</p>
  </section>`;
}

function MarketRow({ row }) {
  const m = row.market;
  const name = `${m.name}${m.code ? ` (${m.code})` : ''}`;
  if (row.error) return html`<tr><th scope="row">${name}</th><td colspan="4">${row.error}</td></tr>`;
  const inv = row.inventory;
  return html`<tr data-market=${m.code ?? m.id}>
    <th scope="row">${name}</th>
    <td>${row.model?.name ?? '—'}</td>
    <td>${inv ? (inv.available ? 'yes' : 'no') : '—'}</td>
    <td class="num" data-cell="quantity">${inv ? inv.quantity : '—'}</td>
    <td>${row.levels.length ? html`<ul class="levels">${row.levels.map((l) => html`<li>${l.name}: <strong>${l.quantity}</strong></li>`)}</ul>` : 'no stock in its locations'}</td>
  </tr>`;
}
