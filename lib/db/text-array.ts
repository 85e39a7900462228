/**
 * A Postgres array literal (`{"a","b"}`) with every element quoted, so commas, quotes and braces survive;
 * cast it in SQL (`::text[]`, `::uuid[]`, `::jsonb[]`). For raw `execute` statements, which take one value
 * per parameter.
 */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}
