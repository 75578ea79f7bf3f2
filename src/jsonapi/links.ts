/**
 * first/prev/next/last for a collection (docs/wire-format.md#documents): other query parameters are kept as sent.
 * `path` is the request's path and query; `base` the public origin (never parsed, so any Host works).
 */
export function pageLinks(
  base: string,
  path: string,
  page: { number: number; size: number },
  pageCount: number,
): Record<string, string> {
  const q = path.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? path.slice(q + 1) : '');
  const at = (n: number) => {
    params.set('page[number]', String(n));
    params.set('page[size]', String(page.size));
    return `${base}${q >= 0 ? path.slice(0, q) : path}?${params.toString()}`;
  };
  const last = Math.max(1, pageCount);
  const links: Record<string, string> = { first: at(1) };
  if (page.number > 1) links.prev = at(Math.min(page.number - 1, last));
  if (page.number < pageCount) links.next = at(page.number + 1);
  links.last = at(last);
  return links;
}
