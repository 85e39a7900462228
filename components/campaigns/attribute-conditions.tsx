"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import type { AttributeCondition } from "@/lib/campaigns/schemas";
import { ATTRIBUTE_OPS_BY_TYPE, type AttributeOp } from "@/lib/contacts/schemas";
import { attributeKeys, type AttributeDefinition } from "@/components/contacts/contact-facts";

/** A condition row as typed: the value stays text until it is sent (then typed by the attribute). */
export type ConditionDraft = { key: string; op: AttributeOp; value: string };

const OP_LABELS: Record<AttributeOp, string> = {
  eq: "is",
  neq: "is not",
  in: "is one of",
  gt: "is more than",
  lt: "is less than",
  is_set: "has a value",
  not_set: "has no value",
};
const DATE_OP_LABELS: Partial<Record<AttributeOp, string>> = { gt: "is after", lt: "is before" };

const input = "rounded-md border border-slate-300 px-2 py-1 text-sm";

/**
 * The segment's attribute conditions from the drafts; rows still missing an attribute or a value are left
 * out so the estimate keeps showing the audience as it stands.
 */
export function toConditions(
  drafts: ConditionDraft[],
  definitions: AttributeDefinition[] | undefined,
): AttributeCondition[] {
  const out: AttributeCondition[] = [];
  for (const d of drafts) {
    const def = definitions?.find((x) => x.key === d.key);
    if (!def) continue;
    if (d.op === "is_set" || d.op === "not_set") {
      out.push({ key: d.key, op: d.op });
      continue;
    }
    const text = d.value.trim();
    if (!text) continue;
    if (d.op === "in") {
      const values = text
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
      if (values.length > 0) out.push({ key: d.key, op: d.op, value: values });
      continue;
    }
    // A number that does not parse is sent as typed: the 422 names the row's value.
    const value =
      def.type === "number" && Number.isFinite(Number(text))
        ? Number(text)
        : def.type === "boolean"
          ? text === "true"
          : text;
    out.push({ key: d.key, op: d.op, value });
  }
  return out;
}

export function useActiveAttributes() {
  return useQuery({
    queryKey: attributeKeys.active,
    queryFn: () => api<{ data: AttributeDefinition[] }>("/api/v1/contact-attributes"),
  });
}

/** "Add a condition" rows: attribute → an operator that fits its type → a value input of that type. */
export function AttributeConditions({
  drafts,
  onChange,
  definitions,
}: {
  drafts: ConditionDraft[];
  onChange: (next: ConditionDraft[]) => void;
  definitions: AttributeDefinition[];
}) {
  if (definitions.length === 0) return null;
  const set = (i: number, patch: Partial<ConditionDraft>) =>
    onChange(drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    <div className="space-y-2 text-sm" data-testid="attribute-conditions">
      <p className="text-xs font-medium text-slate-600">Only contacts whose attributes match (all of):</p>
      {drafts.map((d, i) => {
        const def = definitions.find((x) => x.key === d.key);
        const ops = def ? ATTRIBUTE_OPS_BY_TYPE[def.type] : [];
        const needsValue = d.op !== "is_set" && d.op !== "not_set";
        return (
          <div key={i} className="flex flex-wrap items-center gap-2" data-testid="attribute-condition">
            <select
              aria-label={`Condition ${i + 1} attribute`}
              value={d.key}
              onChange={(e) => {
                const next = definitions.find((x) => x.key === e.target.value);
                set(i, { key: e.target.value, op: "eq", value: next?.type === "boolean" ? "true" : "" });
              }}
              className={input}
            >
              <option value="">Attribute…</option>
              {definitions.map((x) => (
                <option key={x.key} value={x.key}>
                  {x.label}
                </option>
              ))}
            </select>
            {def && (
              <select
                aria-label={`Condition ${i + 1} operator`}
                value={d.op}
                onChange={(e) => set(i, { op: e.target.value as AttributeOp })}
                className={input}
              >
                {ops.map((op) => (
                  <option key={op} value={op}>
                    {(def.type === "date" && DATE_OP_LABELS[op]) || OP_LABELS[op]}
                  </option>
                ))}
              </select>
            )}
            {def && needsValue && (
              <ValueInput def={def} draft={d} index={i} onChange={(value) => set(i, { value })} />
            )}
            <button
              type="button"
              onClick={() => onChange(drafts.filter((_, j) => j !== i))}
              className="text-xs text-slate-500 hover:text-red-700"
              aria-label={`Remove condition ${i + 1}`}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        data-testid="add-attribute-condition"
        onClick={() => onChange([...drafts, { key: "", op: "eq", value: "" }])}
        className="text-xs font-medium text-emerald-700 hover:text-emerald-900"
      >
        + Add a condition
      </button>
    </div>
  );
}

function ValueInput({
  def,
  draft,
  index,
  onChange,
}: {
  def: AttributeDefinition;
  draft: ConditionDraft;
  index: number;
  onChange: (value: string) => void;
}) {
  const label = `Condition ${index + 1} value`;
  if (def.type === "boolean")
    return (
      <select
        aria-label={label}
        value={draft.value}
        onChange={(e) => onChange(e.target.value)}
        className={input}
      >
        <option value="true">Yes</option>
        <option value="false">No</option>
      </select>
    );
  if (def.type === "select" && draft.op !== "in")
    return (
      <select
        aria-label={label}
        value={draft.value}
        onChange={(e) => onChange(e.target.value)}
        className={input}
      >
        <option value="">Choose…</option>
        {def.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  return (
    <input
      aria-label={label}
      type={def.type === "number" ? "number" : def.type === "date" ? "date" : "text"}
      value={draft.value}
      onChange={(e) => onChange(e.target.value)}
      placeholder={draft.op === "in" ? def.options.join(", ") || "a, b, c" : ""}
      className={`${input} w-40`}
    />
  );
}
