// A model's stock (or return) locations in priority order: reorder with buttons or by dragging,
// hold or release a location, add and remove. A reorder renumbers only the rows whose priority changes.
import { html, useEffect, useState } from '../lib/html.js';
import { CheckField, Field, FormErrors, SelectField, useAsync, useConfirm } from '../lib/ui.js';

const REL = '/data/relationships/stock_location';
const PRIO = '/data/attributes/priority';

/** The priorities the new order gets: the same set of values if they were distinct, else 1…n. */
export function renumber(items, order) {
  const prios = items.map((i) => i.priority).sort((a, b) => a - b);
  const target = new Set(prios).size === prios.length ? prios : order.map((_, i) => i + 1);
  return order.map((item, i) => ({ item, priority: target[i] })).filter((x) => x.item.priority !== x.priority);
}

export function PriorityList({ api, model, type, title, canWrite, cutoff }) {
  const r = useAsync(
    () =>
      api.all(type, {
        'filter[q][inventory_model_id_eq]': model.id,
        sort: 'priority,created_at',
        include: 'stock_location',
        'fields[stock_locations]': 'name,code',
      }),
    [model.id, cutoff],
  );
  const [error, setError] = useState(null);
  const [said, say] = useState('');
  const [focus, setFocus] = useState(null);
  const [drag, setDrag] = useState(null);
  const [dialog, ask] = useConfirm(r.reload);
  const items = r.data?.items ?? [];
  const hid = `${type}-h`;
  useEffect(() => {
    if (!focus) return;
    // the same button if it can still be pressed (at the top, Up cannot: then Down)
    const row = document.querySelector(`[data-row="${focus.id}"]`);
    const same = row?.querySelector(`.${focus.dir}`);
    (same && !same.disabled ? same : row?.querySelector(focus.dir === 'up' ? '.down' : '.up'))?.focus();
  }, [r.data]);

  const move = async (from, to, dir) => {
    if (to < 0 || to >= items.length || from === to) return;
    const order = [...items];
    const [moved] = order.splice(from, 1);
    order.splice(to, 0, moved);
    setError(null);
    try {
      for (const { item, priority } of renumber(items, order)) await api.update(type, item.id, { priority });
      say(`${moved.stock_location?.name} is now number ${to + 1} of ${items.length}.`);
    } catch (e) {
      setError(e);
    }
    setFocus(dir ? { id: moved.id, dir } : null);
    r.reload();
  };
  const hold = async (item, on_hold) => {
    setError(null);
    try {
      await api.update(type, item.id, { on_hold });
    } catch (e) {
      setError(e);
    }
    r.reload();
  };
  const remove = (item) =>
    ask({
      title: `Remove ${item.stock_location?.name}?`,
      lines: [
        `${item.stock_location?.name} leaves ${model.name}'s ${title.toLowerCase()}.`,
        type === 'inventory_stock_locations'
          ? 'Markets using this model stop counting its stock for availability and placing orders; its stock items stay.'
          : 'Returns stop choosing it by default.',
      ],
      label: 'Remove',
      run: () => api.remove(type, item.id),
    });

  return html`<section aria-labelledby=${hid} class="priority">
    <h2 id=${hid}>${title}</h2>
    ${cutoff ? html`<p class="hint">Availability and placement walk the first ${cutoff} (the stock locations cutoff), in this order.</p>` : null}
    <p class="sr-only" aria-live="polite">${said}</p>
    <${FormErrors} error=${error} />
    ${r.data && !items.length ? html`<p role="status">None yet.</p>` : null}
    <ol class="locations">
      ${items.map(
        (item, i) => html`<li key=${item.id} data-row=${item.id} draggable=${canWrite ? 'true' : undefined}
            class=${drag === i ? 'dragging' : ''}
            onDragStart=${(e) => {
              setDrag(i);
              e.dataTransfer.setData('text/plain', item.id);
            }}
            onDragOver=${(e) => canWrite && e.preventDefault()}
            onDrop=${(e) => {
              e.preventDefault();
              setDrag(null);
              if (drag !== null) move(drag, i);
            }}
            onDragEnd=${() => setDrag(null)}>
          <span class="pos">${i + 1}</span>
          <span class="name">${item.stock_location?.name} <small>${item.stock_location?.code ?? ''}</small></span>
          <span class="prio">priority ${item.priority}</span>
          ${cutoff ? html`<span class=${i < cutoff ? 'tag in' : 'tag out'}>${i < cutoff ? 'within cutoff' : 'beyond cutoff'}</span>` : null}
          ${item.on_hold && !canWrite ? html`<span class="tag out">on hold</span>` : null}
          ${
            canWrite
              ? html`<span class="actions">
              ${type === 'inventory_stock_locations' ? html`<${CheckField} label="On hold" checked=${item.on_hold} onChange=${(v) => hold(item, v)} aria-label=${`${item.stock_location?.name} on hold`} />` : null}
              <button type="button" class="up" disabled=${i === 0} aria-label=${`Move ${item.stock_location?.name} up`} onClick=${() => move(i, i - 1, 'up')}>Up</button>
              <button type="button" class="down" disabled=${i === items.length - 1} aria-label=${`Move ${item.stock_location?.name} down`} onClick=${() => move(i, i + 1, 'down')}>Down</button>
              <button type="button" class="danger" aria-label=${`Remove ${item.stock_location?.name}`} onClick=${() => remove(item)}>Remove</button>
            </span>`
              : null
          }
        </li>`,
      )}
    </ol>
    ${canWrite && r.data ? html`<${AddLocation} api=${api} model=${model} type=${type} items=${items} onAdded=${r.reload} />` : null}
    ${dialog}
  </section>`;
}

function AddLocation({ api, model, type, items, onAdded }) {
  const all = useAsync(() => api.all('stock_locations', { sort: 'name', 'fields[stock_locations]': 'name,code' }), []);
  const [location, setLocation] = useState('');
  const [priority, setPriority] = useState('');
  const [error, setError] = useState(null);
  const taken = new Set(items.map((i) => i.stock_location?.id));
  const next = items.reduce((m, i) => Math.max(m, i.priority), 0) + 1;
  const options = (all.data?.items ?? [])
    .filter((l) => !taken.has(l.id))
    .map((l) => ({ value: l.id, label: `${l.name}${l.code ? ` (${l.code})` : ''}` }));
  const add = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.create(
        type,
        { priority: priority === '' ? next : Number(priority) },
        {
          inventory_model: { type: 'inventory_models', id: model.id },
          ...(location ? { stock_location: { type: 'stock_locations', id: location } } : {}),
        },
      );
      setLocation('');
      setPriority('');
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  const what = type === 'inventory_stock_locations' ? 'stock' : 'return';
  return html`<form class="row add" onSubmit=${add} aria-label=${`Add a ${what} location`}>
    <${SelectField} label="Location" placeholder="Choose a location" options=${options} value=${location} onChange=${setLocation} error=${error} pointer=${REL} />
    <${Field} label="Priority" type="number" placeholder=${String(next)} value=${priority} onInput=${setPriority} error=${error} pointer=${PRIO} />
    <button type="submit">Add</button>
    <${FormErrors} error=${error} claimed=${[REL, PRIO]} />
  </form>`;
}
