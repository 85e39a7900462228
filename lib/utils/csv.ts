// CSV for spreadsheets: RFC 4180 quoting, plus OWASP's CSV-injection guard.

/**
 * One cell. A text starting with = + - @ (or a tab/CR that some spreadsheets skip before them) would be
 * run as a formula, so it gets a leading apostrophe; then quotes, commas and newlines are quoted.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text =
    typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
