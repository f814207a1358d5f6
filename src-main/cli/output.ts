/** Human and machine output for CLI commands. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned text table; cells are cut to `maxWidth` characters. */
export function formatTable(headers: string[], rows: (string | number | null)[][], maxWidth = 40): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '' : String(c))))].map((r) =>
    r.map((c) => (c.length > maxWidth ? `${c.slice(0, maxWidth - 1)}…` : c)),
  );
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
