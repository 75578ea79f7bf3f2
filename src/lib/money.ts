const formatters = new Map<string, Intl.NumberFormat>();

/** `700, 'EUR'` → `€7.00`: Commerce Layer's `formatted_*` companions of `*_cents`. */
export function formatCents(cents: number | null | undefined, currency: string): string | null {
  if (cents === null || cents === undefined) return null;
  let f = formatters.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    } catch {
      f = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    formatters.set(currency, f);
  }
  return f.format(cents / 100);
}

export const centsToFloat = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? null : cents / 100;
