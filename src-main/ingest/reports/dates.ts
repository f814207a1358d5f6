/** Dates as they appear in DICOM, CSV manifests and public tables, to YYYY-MM-DD. */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function iso(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Accepts YYYYMMDD (DICOM DA), YYYY-MM-DD, YYYY/MM/DD (optionally followed by a
 * time) and "January 22, 2020" / "22 Jan 2020". Anything else, or an impossible
 * date, gives null: a wrong date is worse than none.
 */
export function normaliseDate(value: string | null | undefined): string | null {
  const text = (value ?? '').trim();
  if (!text) return null;
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(text) ?? /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(text);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(text);
  if (m) return iso(Number(m[3]), MONTHS.indexOf((m[1] ?? '').toLowerCase()) + 1, Number(m[2]));
  m = /^(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?,?\s+(\d{4})$/.exec(text);
  if (m) return iso(Number(m[3]), MONTHS.indexOf((m[2] ?? '').toLowerCase()) + 1, Number(m[1]));
  return null;
}
