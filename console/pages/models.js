// Inventory models: the list, a new model, and one model's settings with its locations by priority.
import { html, useState } from '../lib/html.js';
import {
  CheckField,
  Field,
  FormErrors,
  ListBody,
  LoadError,
  Loading,
  Pager,
  SelectField,
  useAsync,
} from '../lib/ui.js';
import { PriorityList } from './priority-list.js';

export const STRATEGIES = [
  'no_split',
  'split_shipments',
  'split_by_line_items',
  'ship_from_primary',
  'ship_from_first_available_or_primary',
].map((s) => ({ value: s, label: s }));
const A = (name) => `/data/attributes/${name}`;

export function ModelsPage({ api, canWrite }) {
  const [page, setPage] = useState(1);
  const r = useAsync(
    () => api.list('inventory_models', { sort: 'name', 'page[size]': 25, 'page[number]': page }),
    [page],
  );
  return html`<h1 tabindex="-1">Inventory models</h1>
    <${ListBody} r=${r} what="inventory models" empty="No inventory model yet." table=${(items) => html`<table>
        <caption class="sr-only">Inventory models</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Strategy</th><th scope="col">Stock locations cutoff</th><th scope="col">Reservation cutoff (s)</th></tr></thead>
        <tbody>${items.map(
          (m) =>
            html`<tr><td><a href=${`#/models/${m.id}`}>${m.name}</a></td><td>${m.strategy}</td><td class="num">${m.stock_locations_cutoff}</td><td class="num">${m.stock_reservation_cutoff}</td></tr>`,
        )}</tbody>
      </table>`} />
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="Inventory models" />
    ${canWrite ? html`<${NewModel} api=${api} />` : null}`;
}

function NewModel({ api }) {
  const [v, setV] = useState({ name: '', strategy: 'no_split', stock_locations_cutoff: '2' });
  const [error, setError] = useState(null);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const m = await api.create('inventory_models', {
        ...v,
        stock_locations_cutoff: Number(v.stock_locations_cutoff),
      });
      location.hash = `#/models/${m.id}`;
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card row" onSubmit=${create} aria-labelledby="new-model-h">
    <h2 id="new-model-h">New inventory model</h2>
    <${Field} label="Name" value=${v.name} onInput=${set('name')} error=${error} pointer=${A('name')} />
    <${SelectField} label="Strategy" options=${STRATEGIES} value=${v.strategy} onChange=${set('strategy')} error=${error} pointer=${A('strategy')} />
    <${Field} label="Stock locations cutoff" type="number" min="1" max="10" value=${v.stock_locations_cutoff} onInput=${set('stock_locations_cutoff')} error=${error} pointer=${A('stock_locations_cutoff')} />
    <button type="submit" class="primary">Create model</button>
    <${FormErrors} error=${error} claimed=${['name', 'strategy', 'stock_locations_cutoff'].map(A)} />
  </form>`;
}

export function ModelPage({ api, canWrite, id }) {
  const r = useAsync(() => api.get('inventory_models', id), [id]);
  const m = r.data;
  return html`<h1 tabindex="-1">${m ? `Inventory model ${m.name}` : 'Inventory model'}</h1>
    <${LoadError} r=${r} />
    ${!m ? html`<${Loading} what="the model" />` : null}
    ${m ? html`<${Settings} api=${api} model=${m} canWrite=${canWrite} onSaved=${r.reload} />` : null}
    ${m ? html`<${PriorityList} api=${api} model=${m} type="inventory_stock_locations" title="Stock locations" canWrite=${canWrite} cutoff=${m.stock_locations_cutoff} />` : null}
    ${m ? html`<${PriorityList} api=${api} model=${m} type="inventory_return_locations" title="Return locations" canWrite=${canWrite} />` : null}`;
}

const FIELDS = ['name', 'strategy', 'stock_locations_cutoff', 'stock_reservation_cutoff'];

function Settings({ api, model, canWrite, onSaved }) {
  const [v, setV] = useState(() => ({
    ...Object.fromEntries(FIELDS.map((k) => [k, String(model[k])])),
    put_stock_transfers_on_hold: model.put_stock_transfers_on_hold,
    manual_stock_decrement: model.manual_stock_decrement,
  }));
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const set = (k) => (x) => {
    setSaved(false);
    setV({ ...v, [k]: x });
  };
  if (!canWrite)
    return html`<dl class="facts">${[...FIELDS, 'put_stock_transfers_on_hold', 'manual_stock_decrement'].map(
      (k) => html`<div><dt>${k.replaceAll('_', ' ')}</dt><dd>${String(model[k])}</dd></div>`,
    )}</dl>`;
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.update('inventory_models', model.id, {
        ...v,
        stock_locations_cutoff: Number(v.stock_locations_cutoff),
        stock_reservation_cutoff: Number(v.stock_reservation_cutoff),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card row" onSubmit=${save} aria-labelledby="settings-h">
    <h2 id="settings-h">Settings</h2>
    <${Field} label="Name" value=${v.name} onInput=${set('name')} error=${error} pointer=${A('name')} />
    <${SelectField} label="Strategy" options=${STRATEGIES} value=${v.strategy} onChange=${set('strategy')} error=${error} pointer=${A('strategy')} />
    <${Field} label="Stock locations cutoff" type="number" value=${v.stock_locations_cutoff} onInput=${set('stock_locations_cutoff')} error=${error} pointer=${A('stock_locations_cutoff')} />
    <${Field} label="Stock reservation cutoff (seconds)" type="number" value=${v.stock_reservation_cutoff} onInput=${set('stock_reservation_cutoff')} error=${error} pointer=${A('stock_reservation_cutoff')} />
    <${CheckField} label="Put stock transfers on hold with their shipment" checked=${v.put_stock_transfers_on_hold} onChange=${set('put_stock_transfers_on_hold')} error=${error} pointer=${A('put_stock_transfers_on_hold')} />
    <${CheckField} label="Manual stock decrement" checked=${v.manual_stock_decrement} onChange=${set('manual_stock_decrement')} error=${error} pointer=${A('manual_stock_decrement')} />
    <button type="submit" class="primary">Save settings</button>
    ${saved ? html`<p role="status" class="ok">Saved.</p>` : null}
    <${FormErrors} error=${error} claimed=${[...FIELDS, 'put_stock_transfers_on_hold', 'manual_stock_decrement'].map(A)} />
  </form>`;
}
