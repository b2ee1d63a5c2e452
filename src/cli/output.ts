/**
 * Output and error streams of the kit's commands. Tests replace both functions to run
 * commands in the same process.
 */
export const terminal = {
  out(text: string): void {
    process.stdout.write(text);
  },
  err(text: string): void {
    process.stderr.write(text);
  },
};

/** A column of a human table: the header and how to read the cell from a row. */
export interface Column {
  header: string;
  value: (row: Record<string, unknown>) => unknown;
}

/** Builds a column that shows the field `key` under the header `header` (default: the key). */
export function field(key: string, header = key): Column {
  return { header, value: (row) => row[key] };
}

/** Writes a value as indented JSON, the form scripts read. */
export function printJson(value: unknown): void {
  terminal.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes rows as a table with a header line and columns padded to their widest cell. */
export function printTable(rows: Array<Record<string, unknown>>, columns: Column[]): void {
  if (rows.length === 0) {
    terminal.out('(none)\n');
    return;
  }

  const cells = rows.map((row) => columns.map((column) => formatCell(column.value(row))));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...cells.map((line) => line[index]!.length)),
  );

  const format = (line: string[]) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index]!)))
      .join('  ');
  terminal.out(`${[headers, ...cells].map(format).join('\n')}\n`);
}

/** Writes one object as `name: value` lines, every field included. */
export function printRecord(record: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(record).map((key) => key.length)) + 1;
  const lines = Object.entries(record).map(
    ([key, value]) => `${`${key}:`.padEnd(width)}  ${formatCell(value)}`,
  );
  terminal.out(`${lines.join('\n')}\n`);
}

function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) {
    return value.join(' ');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
