/** One RFC 4180 CSV line (with CRLF-free "\n" ending); quotes only cells that need it. */
export function csvLine(cells: readonly (string | number)[]): string {
  return `${cells.map((c) => (typeof c === 'number' ? String(c) : /[",\n\r]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\n`;
}
