/** first/prev/next/last for a collection (spec §1.3): other query parameters are kept as sent. */
export function pageLinks(selfUrl: string, page: { number: number; size: number }, pageCount: number): Record<string, string> {
  const url = new URL(selfUrl);
  const at = (n: number) => {
    url.searchParams.set('page[number]', String(n));
    url.searchParams.set('page[size]', String(page.size));
    return url.toString();
  };
  const last = Math.max(1, pageCount);
  const links: Record<string, string> = { first: at(1) };
  if (page.number > 1) links.prev = at(Math.min(page.number - 1, last));
  if (page.number < pageCount) links.next = at(page.number + 1);
  links.last = at(last);
  return links;
}
