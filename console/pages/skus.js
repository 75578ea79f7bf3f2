// SKUs: search by code or name (filter[q][code_or_name_cont]), 25 a page, on the server.
import { html, useEffect, useState } from '../lib/html.js';
import { LoadError, Loading, Pager, useAsync, useId } from '../lib/ui.js';

export function SkusPage({ api }) {
  const [text, setText] = useState('');
  const [term, setTerm] = useState('');
  const [page, setPage] = useState(1);
  const id = useId('q');
  const search = (value) => {
    setTerm(value.trim());
    setPage(1);
  };
  useEffect(() => {
    const t = setTimeout(() => search(text), 250);
    return () => clearTimeout(t);
  }, [text]);
  const r = useAsync(
    () =>
      api.list('skus', {
        'filter[q][code_or_name_cont]': term,
        sort: 'code',
        'fields[skus]': 'code,name,do_not_ship,do_not_track',
        'page[size]': 25,
        'page[number]': page,
      }),
    [term, page],
  );
  return html`<h1 tabindex="-1">SKUs</h1>
    <form role="search" class="search" onSubmit=${(e) => {
      e.preventDefault();
      search(text);
    }}>
      <label for=${id}>Search by code or name</label>
      <input id=${id} type="search" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
      <button type="submit">Search</button>
    </form>
    <${LoadError} r=${r} />
    ${!r.data ? html`<${Loading} what="SKUs" />` : html`<${SkuTable} items=${r.data.items} term=${term} />`}
    <${Pager} meta=${r.data?.meta} page=${page} onPage=${setPage} label="SKUs" />`;
}

function SkuTable({ items, term }) {
  if (!items.length) return html`<p role="status">No SKU ${term ? `matches “${term}”` : 'yet'}.</p>`;
  return html`<table>
    <caption class="sr-only">SKUs</caption>
    <thead><tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Flags</th></tr></thead>
    <tbody>
      ${items.map(
        (s) => html`<tr>
          <td><a href=${`#/skus/${s.id}`}>${s.code}</a></td>
          <td>${s.name}</td>
          <td>${[s.do_not_ship && 'do not ship', s.do_not_track && 'do not track'].filter(Boolean).join(', ')}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
