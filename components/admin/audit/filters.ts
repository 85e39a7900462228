// The filter form's values → the API's query string (list and export use the same one).
export type AuditFilterValues = {
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  /** yyyy-mm-dd from a date input, in the browser's time zone. */
  from: string;
  to: string;
};

export const emptyFilters: AuditFilterValues = {
  actor: "",
  action: "",
  entity_type: "",
  entity_id: "",
  from: "",
  to: "",
};

/** Dates become the start of that local day; `to` is inclusive in the form, so it means the next midnight. */
export function filterParams(values: AuditFilterValues): Record<string, string> {
  const params: Record<string, string> = {};
  for (const key of ["actor", "action", "entity_type", "entity_id"] as const) {
    const value = values[key].trim();
    if (value) params[key] = value;
  }
  if (values.from) params.from = localMidnight(values.from, 0);
  if (values.to) params.to = localMidnight(values.to, 1);
  return params;
}

function localMidnight(date: string, addDays: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y!, m! - 1, d! + addDays).toISOString();
}
