// A markdown table for job summaries (GitHub step summary, GitLab artifact, the CLI's --summary file).

/** Cells are escaped so a '|' or a newline in a value cannot break the table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const cell = (v: string) => v.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
