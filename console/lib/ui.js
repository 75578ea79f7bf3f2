// Shared pieces: labelled fields that show the API's errors next to the field they point at, a
// pager over server-side pages, a confirm dialog, and a hook for loading data.
import { html, useCallback, useEffect, useRef, useState } from './html.js';

let seq = 0;
/** An id stable across renders, for label/for and aria-describedby. */
export function useId(prefix) {
  const ref = useRef(null);
  if (!ref.current) ref.current = `${prefix}-${++seq}`;
  return ref.current;
}

const words = (e) => e.detail ?? e.title;

/** The API's errors whose source.pointer is `pointer`. */
export const errorsAt = (error, pointer) => (error?.errors ?? []).filter((e) => e.source?.pointer === pointer);

function FieldError({ id, error, pointer }) {
  const errs = errorsAt(error, pointer);
  return errs.length ? html`<p class="field-error" id=${id}>${errs.map(words).join(' ')}</p>` : null;
}

const described = (error, pointer, id) =>
  errorsAt(error, pointer).length ? { 'aria-invalid': 'true', 'aria-describedby': id } : {};

/** A labelled input; `pointer` is the JSON pointer the API names when it refuses this value. */
export function Field({ label, pointer, error, value, onInput, hint, ...rest }) {
  const id = useId('f');
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} value=${value ?? ''} onInput=${(e) => onInput(e.currentTarget.value)} ...${described(error, pointer, `${id}-e`)} ...${rest} />
    ${hint ? html`<small class="hint">${hint}</small>` : null}
    <${FieldError} id=${`${id}-e`} error=${error} pointer=${pointer} />
  </div>`;
}

/** A labelled select over `options: [{ value, label }]`. */
export function SelectField({ label, pointer, error, value, onChange, options, placeholder, ...rest }) {
  const id = useId('s');
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value)} ...${described(error, pointer, `${id}-e`)} ...${rest}>
      ${placeholder ? html`<option value="">${placeholder}</option>` : null}
      ${options.map((o) => html`<option value=${o.value} selected=${o.value === value}>${o.label}</option>`)}
    </select>
    <${FieldError} id=${`${id}-e`} error=${error} pointer=${pointer} />
  </div>`;
}

export function CheckField({ label, pointer, error, checked, onChange, ...rest }) {
  const id = useId('c');
  return html`<div class="field check">
    <input id=${id} type="checkbox" checked=${!!checked} onChange=${(e) => onChange(e.currentTarget.checked)} ...${described(error, pointer, `${id}-e`)} ...${rest} />
    <label for=${id}>${label}</label>
    <${FieldError} id=${`${id}-e`} error=${error} pointer=${pointer} />
  </div>`;
}

/** The errors no field on the form claimed (by pointer), worded as the API worded them. */
export function FormErrors({ error, claimed = [] }) {
  const rest = (error?.errors ?? []).filter((e) => !claimed.includes(e.source?.pointer));
  if (!rest.length) return null;
  return html`<div class="form-errors" role="alert">
    ${rest.map((e) => html`<p>${words(e)}${e.source?.pointer ? html` <code>${e.source.pointer}</code>` : null}</p>`)}
  </div>`;
}

/** Previous / next over the API's pages (`meta.page_count`, `meta.record_count`). */
export function Pager({ meta, page, onPage, label }) {
  if (!meta || meta.page_count <= 1) return null;
  return html`<nav class="pager" aria-label=${`${label}: pages`}>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous</button>
    <span aria-live="polite">Page ${page} of ${meta.page_count} (${meta.record_count})</span>
    <button type="button" disabled=${page >= meta.page_count} onClick=${() => onPage(page + 1)}>Next</button>
  </nav>`;
}

/** `{ data, error, loading, reload }` for an async loader, rerun when `deps` change. */
export function useAsync(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export const Status = ({ value }) =>
  value ? html`<span class=${`status status-${value}`}>${String(value).replaceAll('_', ' ')}</span>` : null;

export const Loading = ({ what }) => html`<p class="loading" role="status">Loading ${what}…</p>`;

/** What a page could not load, above the rest of it. */
export const LoadError = ({ r }) => (r.error ? html`<p class="form-errors" role="alert">${r.error.message}</p>` : null);

/**
 * A list page's body: its failure, then "Loading…", the `empty` sentence, or the table that `table`
 * makes of the items.
 */
export const ListBody = ({ r, what, empty, table }) =>
  html`<${LoadError} r=${r} />${
    !r.data
      ? html`<${Loading} what=${what} />`
      : !r.data.items.length
        ? html`<p role="status">${empty}</p>`
        : table(r.data.items)
  }`;

/**
 * A modal confirm step: says what the action will do before it is done; focus starts on "Go back",
 * so a stray Enter sends nothing. `ask({ title, lines, label,
 * run })` opens it; `run` is awaited, its ApiError shown in the dialog; `onDone` runs after success.
 */
export function useConfirm(onDone) {
  const [req, setReq] = useState(null);
  const ask = useCallback((r) => setReq(r), []);
  const dialog = req
    ? html`<${ConfirmDialog} req=${req} onClose=${(ok) => {
        setReq(null);
        if (ok) onDone?.();
      }} />`
    : null;
  return [dialog, ask];
}

function ConfirmDialog({ req, onClose }) {
  const ref = useRef(null);
  const id = useId('d');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.open && d.close();
  }, []);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await req.run();
      onClose(true);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return html`<dialog ref=${ref} class="confirm" aria-labelledby=${`${id}-t`} aria-describedby=${`${id}-b`} onCancel=${(
    e,
  ) => {
    e.preventDefault();
    onClose(false);
  }}>
    <h2 id=${`${id}-t`}>${req.title}</h2>
    <div id=${`${id}-b`}>${req.lines.map((l) => html`<p>${l}</p>`)}</div>
    <${FormErrors} error=${error} />
    <div class="actions">
      <button type="button" class="primary" disabled=${busy} onClick=${confirm}>${req.label}</button>
      <button type="button" autofocus disabled=${busy} onClick=${() => onClose(false)}>Go back</button>
    </div>
  </dialog>`;
}
