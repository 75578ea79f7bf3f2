// Imports: the list (newest first, paged on the server), an upload read in the browser and sent as
// `inputs` (CSV text or a JSON array, as the API takes them), and one import watched until it ends,
// with its error log and `_interrupt`.
import { html, useState } from '../lib/html.js';
import { running, usePoll, when } from '../lib/poll.js';
import {
  CheckField,
  errorsAt,
  FormErrors,
  ListBody,
  LoadError,
  Loading,
  Pager,
  SelectField,
  Status,
  useAsync,
  useConfirm,
  useId,
} from '../lib/ui.js';

/** The types an import writes (README, "Imports and exports"). */
const TYPES = [
  'stock_items',
  'skus',
  'stock_locations',
  'stock_transfers',
  'inventory_models',
  'inventory_stock_locations',
  'shipping_categories',
  'addresses',
];
/** The parent an import of the type takes as parent_resource_id. */
const PARENT = {
  stock_items: { type: 'stock_locations', label: 'Stock location' },
  inventory_stock_locations: { type: 'inventory_models', label: 'Inventory model' },
};
const P = {
  type: '/data/attributes/resource_type',
  format: '/data/attributes/format',
  parent: '/data/attributes/parent_resource_id',
  inputs: '/data/attributes/inputs',
};
const label = (t) => t.replaceAll('_', ' ');

export function ImportsPage({ api, canWrite }) {
  const [page, setPage] = useState(1);
  const r = useAsync(
    () => api.list('imports', { sort: '-created_at', 'page[size]': 25, 'page[number]': page }),
    [page],
  );
  usePoll(r.reload, (r.data?.items ?? []).some(running), 1500);
  return html`<h1 tabindex="-1">Imports</h1>
    <p class="hint">Newest first. Open an import to watch it and read its error log.</p>
    <${ListBody} r=${r} what="imports" empty="No import yet." table=${(items) => html`<table>
        <caption class="sr-only">Imports</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Type</th><th scope="col">Format</th><th scope="col">Status</th>
          <th scope="col">Inputs</th><th scope="col">Processed</th><th scope="col">Errors</th><th scope="col">Warnings</th></tr></thead>
        <tbody>${items.map(
          (x) => html`<tr data-import=${x.id}>
            <td><a href=${`#/imports/${x.id}`}>${when(x.created_at)}</a></td><td>${label(x.resource_type)}</td><td>${x.format}</td>
            <td><${Status} value=${x.status} /></td><td class="num">${x.inputs_size}</td><td class="num">${x.processed_count}</td>
            <td class="num">${x.errors_count}</td><td class="num">${x.warnings_count}</td>
          </tr>`,
        )}</tbody>
      </table>`} />
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="Imports" />
    ${canWrite ? html`<${NewImport} api=${api} />` : null}`;
}

/** A file chooser with the API's errors on `inputs` next to it (a file input keeps no value to set). */
function FileField({ label, error, onFile, hint }) {
  const id = useId('file');
  const errs = errorsAt(error, P.inputs);
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} type="file" accept=".csv,.json,text/csv,application/json"
      onChange=${(e) => onFile(e.currentTarget.files?.[0] ?? null)}
      ...${errs.length ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-e` } : {}} />
    ${hint ? html`<small class="hint">${hint}</small>` : null}
    ${errs.length ? html`<p class="field-error" id=${`${id}-e`}>${errs.map((e) => e.detail ?? e.title).join(' ')}</p>` : null}
  </div>`;
}

/** A refusal of the file before it is sent, shaped like the API's so it shows next to the field. */
const localError = (detail) => ({ errors: [{ title: detail, detail, source: { pointer: P.inputs } }] });

function NewImport({ api }) {
  const [type, setType] = useState('stock_items');
  const [format, setFormat] = useState('csv');
  const [parent, setParent] = useState('');
  const [file, setFile] = useState(null);
  const [skip, setSkip] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const p = PARENT[type];
  const parents = useAsync(
    () => (p ? api.all(p.type, { sort: 'name', [`fields[${p.type}]`]: 'name,code' }) : Promise.resolve({ items: [] })),
    [p?.type],
  );
  const choose = (f) => {
    setFile(f);
    if (f && /\.json$/i.test(f.name)) setFormat('json');
    else if (f && /\.csv$/i.test(f.name)) setFormat('csv');
  };
  const send = async (e) => {
    e.preventDefault();
    setError(null);
    if (!file) return setError(localError('Choose a file to import.'));
    setBusy(true);
    try {
      const text = await file.text();
      let inputs = text;
      if (format === 'json') {
        try {
          inputs = JSON.parse(text);
        } catch (err) {
          throw localError(`${file.name} is not valid JSON: ${err.message}`);
        }
      }
      const attributes = { resource_type: type, format, inputs, skip_errors: skip };
      if (p && parent) attributes.parent_resource_id = parent;
      const created = await api.create('imports', attributes);
      location.hash = `#/imports/${created.id}`;
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const options = (parents.data?.items ?? []).map((x) => ({
    value: x.id,
    label: x.code ? `${x.name} (${x.code})` : x.name,
  }));
  return html`<form class="card row" onSubmit=${send} aria-labelledby="new-import-h">
    <h2 id="new-import-h">New import</h2>
    <${SelectField} label="Resource type" value=${type} onChange=${(v) => {
      setType(v);
      setParent('');
    }} options=${TYPES.map((t) => ({ value: t, label: label(t) }))} error=${error} pointer=${P.type} />
    ${
      p
        ? html`<${SelectField} label=${p.label} placeholder="Named in the file" value=${parent} onChange=${setParent}
        options=${options} error=${error} pointer=${P.parent} />`
        : null
    }
    <${FileField} label="File" error=${error} onFile=${choose}
      hint=${type === 'stock_items' ? 'CSV with a header row, e.g. sku_code,quantity; or a JSON array of objects.' : 'CSV with a header row, or a JSON array of objects.'} />
    <${SelectField} label="Format" value=${format} onChange=${setFormat} options=${[
      { value: 'csv', label: 'CSV' },
      { value: 'json', label: 'JSON' },
    ]} error=${error} pointer=${P.format} />
    <${CheckField} label="Skip errors (do not stop past 10 % refused)" checked=${skip} onChange=${setSkip} />
    <button type="submit" class="primary" disabled=${busy}>Upload and import</button>
    <${FormErrors} error=${error} claimed=${Object.values(P)} />
  </form>`;
}

/** `{ "SKU1": { "quantity": ["must be …"] } }` → one row per message. */
function LogTable({ log, caption }) {
  const rows = Object.entries(log ?? {}).flatMap(([key, fields]) =>
    fields && typeof fields === 'object'
      ? Object.entries(fields).flatMap(([field, msgs]) => [msgs].flat().map((m) => [key, field, String(m)]))
      : [[key, '', String(fields)]],
  );
  if (!rows.length) return html`<p>None.</p>`;
  return html`<table class="log">
    <caption class="sr-only">${caption}</caption>
    <thead><tr><th scope="col">Input</th><th scope="col">Field</th><th scope="col">Message</th></tr></thead>
    <tbody>${rows.map(([k, f, m]) => html`<tr><th scope="row">${k}</th><td>${f}</td><td>${m}</td></tr>`)}</tbody>
  </table>`;
}

export function ImportPage({ api, canWrite, id }) {
  const r = useAsync(() => api.get('imports', id), [id]);
  const x = r.data;
  usePoll(r.reload, running(x), 1000);
  const [dialog, ask] = useConfirm(r.reload);
  const into = PARENT[x?.resource_type];
  const parent = useAsync(
    () =>
      into && x.parent_resource_id
        ? api.get(into.type, x.parent_resource_id, { [`fields[${into.type}]`]: 'name' })
        : Promise.resolve(null),
    [x?.resource_type, x?.parent_resource_id],
  );
  const done = x ? x.processed_count + x.errors_count : 0;
  return html`<h1 tabindex="-1">${x ? `Import of ${label(x.resource_type)}` : 'Import'}</h1>
    <p><a href="#/imports">All imports</a></p>
    <${LoadError} r=${r} />
    ${!x ? html`<${Loading} what="the import job" />` : null}
    ${
      x
        ? html`<dl class="facts">
        <div><dt>Status</dt><dd data-field="status"><${Status} value=${x.status} /></dd></div>
        ${into ? html`<div><dt>${into.label}</dt><dd>${parent.data?.name ?? (x.parent_resource_id ? '…' : 'named in the file')}</dd></div>` : null}
        <div><dt>Format</dt><dd>${x.format}</dd></div>
        <div><dt>Skip errors</dt><dd>${x.skip_errors ? 'yes' : 'no'}</dd></div>
        <div><dt>Inputs</dt><dd data-field="inputs_size">${x.inputs_size}</dd></div>
        <div><dt>Processed</dt><dd data-field="processed_count">${x.processed_count}</dd></div>
        <div><dt>Errors</dt><dd data-field="errors_count">${x.errors_count}</dd></div>
        <div><dt>Warnings</dt><dd data-field="warnings_count">${x.warnings_count}</dd></div>
        <div><dt>Started</dt><dd>${when(x.started_at)}</dd></div>
        <div><dt>${x.interrupted_at ? 'Interrupted' : 'Completed'}</dt><dd>${when(x.interrupted_at ?? x.completed_at)}</dd></div>
      </dl>
      <div class="job-progress">
        <label class="progress-label" for="import-progress">Progress</label>
        <progress id="import-progress" max=${x.inputs_size || 1} value=${done}>${done} of ${x.inputs_size}</progress>
        <span role="status">${done} of ${x.inputs_size} inputs read${running(x) ? '…' : '.'}</span>
      </div>
      ${x.attachment_url ? html`<p><a href=${x.attachment_url} download>Download the inputs (gzip)</a></p>` : null}
      ${
        canWrite && running(x)
          ? html`<div class="triggers" role="group" aria-label="Triggers of the import job">
          <button type="button" class="danger" onClick=${() =>
            ask({
              title: 'Interrupt the import job',
              lines: [
                `Stop this import of ${x.inputs_size} ${label(x.resource_type)}: no further input is applied.`,
                'Inputs already written stay written; its status becomes interrupted.',
                'Sends _interrupt to imports.',
              ],
              label: 'Interrupt the job',
              run: () => api.trigger('imports', x.id, '_interrupt'),
            })}>Interrupt</button>
        </div>`
          : null
      }
      <section aria-labelledby="errors-h">
        <h2 id="errors-h">Error log</h2>
        <${LogTable} log=${x.errors_log} caption="Refused inputs" />
      </section>
      ${
        x.warnings_count
          ? html`<section aria-labelledby="warnings-h">
          <h2 id="warnings-h">Warnings</h2>
          <${LogTable} log=${x.warnings_log} caption="Warnings" />
        </section>`
          : null
      }`
        : null
    }
    ${dialog}`;
}
