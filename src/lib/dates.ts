/** ISO-8601 dates and datetimes within PostgreSQL's and JavaScript's common range. */
export function parseDate(raw: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw)) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) return undefined;
  const y = d.getUTCFullYear();
  return y >= 1 && y <= 9999 ? d : undefined;
}
