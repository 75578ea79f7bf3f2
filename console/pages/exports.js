// Exports: start one (type, format, filter[q] predicates, includes, fields), watch it from the list,
// and download its gzip file through attachment_url (a signed link that lasts ten minutes: the list
// is read again before it runs out).
import { html, useState } from '../lib/html.js';
import { running, usePoll, when } from '../lib/poll.js';
import {
  CheckField,
  errorsAt,
  Field,
  FormErrors,
  ListBody,
  Pager,
  SelectField,
  Status,
  useAsync,
  useId,
} from '../lib/ui.js';

/** The types an export reads (README, "Imports and exports"). */
const TYPES = [
  'stock_items',
  'skus',
  'stock_locations',
  'stock_transfers',
  'shipments',
  'orders',
  'line_items',
  'returns',
  'inventory_models',
  'inventory_stock_locations',
  'shipping_categories',
  'addresses',
];
const P = {
  type: '/data/attributes/resource_type',
  format: '/data/attributes/format',
  filters: '/data/attributes/filters',
  includes: '/data/attributes/includes',
  fields: '/data/attributes/fields',
};
const label = (t) => t.replaceAll('_', ' ');
/** Filters as they were typed: `code_start=AB · quantity_gt=0`. */
const predicates = (f) =>
  Object.entries(f)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' · ');

export function ExportsPage({ api, canWrite }) {
  const [page, setPage] = useState(1);
  const r = useAsync(
    () => api.list('exports', { sort: '-created_at', 'page[size]': 25, 'page[number]': page }),
    [page],
  );
  // while one runs, every second and a half; otherwise every five minutes, so download links stay fresh
  usePoll(r.reload, !!r.data, (r.data?.items ?? []).some(running) ? 1500 : 300_000);
  return html`<h1 tabindex="-1">Exports</h1>
    <p class="hint">Newest first. A finished export gives a gzip file to download; the link lasts ten minutes.</p>
    <${ListBody} r=${r} what="exports" empty="No export yet." table=${(items) => html`<table>
        <caption class="sr-only">Exports</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Type</th><th scope="col">Format</th><th scope="col">Filters</th>
          <th scope="col">Status</th><th scope="col">Records</th><th scope="col">Progress</th><th scope="col">File</th></tr></thead>
        <tbody>${items.map(
          (x) => html`<tr data-export=${x.id}>
            <td>${when(x.created_at)}</td><td>${label(x.resource_type)}</td><td>${x.format}</td>
            <td>${Object.keys(x.filters ?? {}).length ? html`<code>${predicates(x.filters)}</code>` : '—'}</td>
            <td><${Status} value=${x.status} /></td><td class="num">${x.records_count}</td>
            <td class="num">${x.progress == null ? '—' : `${Math.round(x.progress)} %`}</td>
            <td>${
              x.status === 'completed' && x.attachment_url
                ? html`<a href=${x.attachment_url} download>Download ${label(x.resource_type)} (${x.format}, gzip)</a>`
                : '—'
            }</td>
          </tr>`,
        )}</tbody>
      </table>`} />
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="Exports" />
    ${canWrite ? html`<${NewExport} api=${api} onCreated=${r.reload} />` : null}`;
}

/** A 400 on `filter…` (an unknown predicate) points at a query parameter: show it at the filters field. */
const atFields = (error) =>
  error?.errors
    ? {
        errors: error.errors.map((e) =>
          !e.source?.pointer && /^filter/.test(e.source?.parameter ?? '')
            ? { ...e, source: { pointer: P.filters } }
            : e,
        ),
      }
    : error;

/** `code_start=AB` lines → `{ code_start: 'AB' }`; a line without `=` is refused here, next to the field. */
function parseFilters(text) {
  const out = {};
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line) continue;
    const at = line.indexOf('=');
    if (at < 1) {
      const detail = `filters - “${line}” is not a predicate=value line`;
      throw { errors: [{ title: detail, detail, source: { pointer: P.filters } }] };
    }
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

const list = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function FiltersField({ value, onInput, error }) {
  const id = useId('filters');
  const errs = errorsAt(error, P.filters);
  return html`<div class="field wide">
    <label for=${id}>Filters</label>
    <textarea id=${id} rows="3" spellcheck="false" value=${value} onInput=${(e) => onInput(e.currentTarget.value)}
      aria-describedby=${`${id}-h${errs.length ? ` ${id}-e` : ''}`} aria-invalid=${errs.length ? 'true' : undefined}></textarea>
    <small class="hint" id=${`${id}-h`}>One filter[q] predicate a line, e.g. sku_code_start=ABC or quantity_gt=0.</small>
    ${errs.length ? html`<p class="field-error" id=${`${id}-e`}>${errs.map((e) => e.detail ?? e.title).join(' ')}</p>` : null}
  </div>`;
}

function NewExport({ api, onCreated }) {
  const [v, setV] = useState({ type: 'stock_items', format: 'csv', filters: '', includes: '', fields: '', dry: false });
  const [error, setError] = useState(null);
  const [started, setStarted] = useState(null);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const start = async (e) => {
    e.preventDefault();
    setError(null);
    setStarted(null);
    try {
      const x = await api.create('exports', {
        resource_type: v.type,
        format: v.format,
        filters: parseFilters(v.filters),
        includes: list(v.includes),
        fields: list(v.fields),
        dry_data: v.dry,
      });
      setStarted(x);
      onCreated();
    } catch (err) {
      setError(atFields(err));
    }
  };
  return html`<form class="card row" onSubmit=${start} aria-labelledby="new-export-h">
    <h2 id="new-export-h">New export</h2>
    <${SelectField} label="Resource type" value=${v.type} onChange=${set('type')}
      options=${TYPES.map((t) => ({ value: t, label: label(t) }))} error=${error} pointer=${P.type} />
    <${SelectField} label="Format" value=${v.format} onChange=${set('format')}
      options=${[
        { value: 'csv', label: 'CSV' },
        { value: 'json', label: 'JSON' },
      ]} error=${error} pointer=${P.format} />
    <${FiltersField} value=${v.filters} onInput=${set('filters')} error=${error} />
    <${Field} label="Includes" value=${v.includes} onInput=${set('includes')} error=${error} pointer=${P.includes}
      hint="Comma-separated, e.g. sku,stock_location." spellcheck="false" />
    <${Field} label="Fields" value=${v.fields} onInput=${set('fields')} error=${error} pointer=${P.fields}
      hint="Comma-separated, e.g. quantity,sku.code; empty for all." spellcheck="false" />
    <${CheckField} label="Dry data (no ids, timestamps or blanks)" checked=${v.dry} onChange=${set('dry')} />
    <button type="submit" class="primary">Start export</button>
    ${started ? html`<p role="status" class="ok">Export of ${started.records_count} ${label(started.resource_type)} started.</p>` : null}
    <${FormErrors} error=${error} claimed=${Object.values(P)} />
  </form>`;
}
