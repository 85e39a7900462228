"use client";

import { useState } from "react";
import {
  LIMITS,
  NODE_ID,
  type Condition,
  type ConditionNode,
  type FaqNode,
  type FlowDefinition,
  type FlowNode,
  type LanguageNode,
  type MenuNode,
  type QuestionNode,
} from "@/lib/bots/schemas";
import { collectedFields } from "./flow-edit";
import {
  Field,
  inputClass,
  LocalTextInput,
  NodeSelect,
  Problems,
  smallButton,
  WordsInput,
  type Issues,
} from "./form-parts";

type Props<N extends FlowNode> = {
  id: string;
  node: N;
  flow: FlowDefinition;
  issues: Issues;
  onChange: (node: N) => void;
};

/** The form for one step: its id and label, then the fields of its type. */
export function NodeForm({
  id,
  node,
  flow,
  issues,
  onChange,
  onRename,
  onDelete,
  onMakeStart,
}: Props<FlowNode> & { onRename: (to: string) => void; onDelete: () => void; onMakeStart: () => void }) {
  const [name, setName] = useState(id);
  const nameError =
    name !== id &&
    (!NODE_ID.test(name) ? "Letters, digits, _ and - only" : flow.nodes[name] ? "Already used" : null);
  const path = `nodes.${id}`;
  return (
    <div className="space-y-4" data-testid="node-form">
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-48">
          <label className="block text-xs font-medium text-slate-600">Step id</label>
          <input
            aria-label="Step id"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => (nameError || name === id ? setName(id) : onRename(name))}
            className={inputClass}
          />
          {nameError && <p className="text-xs text-red-700">{nameError}</p>}
        </div>
        <div className="min-w-48 flex-1">
          <label className="block text-xs font-medium text-slate-600">Label (for you)</label>
          <input
            aria-label="Label"
            value={node.label ?? ""}
            onChange={(e) => onChange({ ...node, label: e.target.value || undefined })}
            className={inputClass}
          />
        </div>
        <div className="flex gap-2">
          {flow.start === id ? (
            <span className="rounded-full bg-emerald-100 px-2 py-1 text-xs text-emerald-800">Start</span>
          ) : (
            <button type="button" className={smallButton} onClick={onMakeStart}>
              Make start
            </button>
          )}
          <button type="button" className={`${smallButton} text-red-700`} onClick={onDelete}>
            Delete step
          </button>
        </div>
      </div>
      <Problems issues={issues} path={path} />
      <TypeForm id={id} node={node} flow={flow} issues={issues} onChange={onChange} />
    </div>
  );
}

function TypeForm(props: Props<FlowNode>) {
  const { node } = props;
  const languages = props.flow.settings.languages ?? [];
  const path = `nodes.${props.id}`;
  const common = { languages, issues: props.issues };
  switch (node.type) {
    case "message":
      return (
        <>
          <LocalTextInput
            {...common}
            label="Text"
            path={`${path}.text`}
            value={node.text}
            max={LIMITS.text}
            multiline
            onChange={(text) => props.onChange({ ...node, text: text ?? "" })}
          />
          <NodeSelect
            label="Then"
            value={node.next}
            nodes={props.flow.nodes}
            issues={props.issues}
            path={`${path}.next`}
            onChange={(next) => props.onChange({ ...node, next })}
          />
          <PlaceholderHint flow={props.flow} />
        </>
      );
    case "menu":
      return <MenuForm {...(props as Props<MenuNode>)} />;
    case "question":
      return <QuestionForm {...(props as Props<QuestionNode>)} />;
    case "faq":
      return <FaqForm {...(props as Props<FaqNode>)} />;
    case "language":
      return <LanguageForm {...(props as Props<LanguageNode>)} />;
    case "condition":
      return <ConditionForm {...(props as Props<ConditionNode>)} />;
    case "handoff":
      return (
        <>
          <LocalTextInput
            {...common}
            optional
            label="Message to the customer"
            path={`${path}.text`}
            value={node.text}
            max={LIMITS.text}
            multiline
            onChange={(text) => props.onChange({ ...node, text })}
          />
          <Field
            label="Summary for the agent"
            hint="shown on the timeline with the collected fields"
            issues={props.issues}
            path={`${path}.summary`}
          >
            <textarea
              aria-label="Summary for the agent"
              value={node.summary}
              rows={2}
              onChange={(e) => props.onChange({ ...node, summary: e.target.value })}
              className={inputClass}
            />
          </Field>
          <PlaceholderHint flow={props.flow} />
        </>
      );
    case "end":
      return (
        <>
          <LocalTextInput
            {...common}
            optional
            label="Goodbye text"
            path={`${path}.text`}
            value={node.text}
            max={LIMITS.text}
            multiline
            onChange={(text) => props.onChange({ ...node, text })}
          />
          <p className="text-xs text-slate-500">
            The bot stops here; the conversation stays with the bot until it is resolved.
          </p>
        </>
      );
  }
}

function MenuForm({ id, node, flow, issues, onChange }: Props<MenuNode>) {
  const languages = flow.settings.languages ?? [];
  const path = `nodes.${id}`;
  const buttons = node.style === "buttons";
  const max = buttons ? LIMITS.buttons : LIMITS.rows;
  const setOption = (i: number, patch: Partial<MenuNode["options"][number]>) =>
    onChange({ ...node, options: node.options.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  return (
    <>
      <LocalTextInput
        languages={languages}
        issues={issues}
        label="Text"
        path={`${path}.text`}
        value={node.text}
        max={LIMITS.body}
        multiline
        onChange={(text) => onChange({ ...node, text: text ?? "" })}
      />
      <div className="flex flex-wrap gap-4">
        <Field label="Shown as" issues={issues} path={`${path}.style`}>
          <div className="flex gap-3 text-sm">
            {(["buttons", "list"] as const).map((style) => (
              <label key={style} className="flex items-center gap-1">
                <input
                  type="radio"
                  name={`${id}-style`}
                  checked={node.style === style}
                  onChange={() => onChange({ ...node, style })}
                />
                {style === "buttons" ? `Reply buttons (≤ ${LIMITS.buttons})` : `List (≤ ${LIMITS.rows})`}
              </label>
            ))}
          </div>
        </Field>
        <Field
          label="Save the choice in field"
          hint="optional, e.g. topic"
          issues={issues}
          path={`${path}.field`}
        >
          <input
            aria-label="Save the choice in field"
            value={node.field ?? ""}
            onChange={(e) => onChange({ ...node, field: e.target.value || undefined })}
            className={inputClass}
          />
        </Field>
      </div>
      {!buttons && (
        <div className="grid grid-cols-2 gap-3">
          <LocalTextInput
            languages={languages}
            issues={issues}
            label="List button"
            path={`${path}.button`}
            value={node.button}
            max={LIMITS.listButton}
            onChange={(button) => onChange({ ...node, button })}
            placeholder="Options"
          />
          <LocalTextInput
            languages={languages}
            issues={issues}
            optional
            label="Section title"
            path={`${path}.sectionTitle`}
            value={node.sectionTitle}
            max={LIMITS.sectionTitle}
            onChange={(sectionTitle) => onChange({ ...node, sectionTitle })}
          />
        </div>
      )}
      <div className="space-y-2">
        <div className="flex items-center justify-between">
          <h3 className="text-xs font-medium text-slate-600">Options</h3>
          <button
            type="button"
            className={smallButton}
            disabled={node.options.length >= max}
            onClick={() =>
              onChange({
                ...node,
                options: [...node.options, { id: `option_${node.options.length + 1}`, title: "", next: "" }],
              })
            }
          >
            Add option
          </button>
        </div>
        <Problems issues={issues} path={`${path}.options`} />
        {node.options.map((option, i) => {
          const at = `${path}.options.${i}`;
          return (
            <div
              key={i}
              className="space-y-2 rounded-md border border-slate-200 p-2"
              data-testid="menu-option"
            >
              <div className="grid grid-cols-[8rem_1fr_auto] items-start gap-2">
                <Field label="Reply id" issues={issues} path={`${at}.id`}>
                  <input
                    aria-label={`Option ${i + 1} id`}
                    value={option.id}
                    onChange={(e) => setOption(i, { id: e.target.value })}
                    className={inputClass}
                  />
                </Field>
                <LocalTextInput
                  languages={languages}
                  issues={issues}
                  label={`Option ${i + 1} title`}
                  path={`${at}.title`}
                  value={option.title}
                  max={buttons ? LIMITS.buttonTitle : LIMITS.rowTitle}
                  onChange={(title) => setOption(i, { title: title ?? "" })}
                />
                <button
                  type="button"
                  className={`${smallButton} mt-5`}
                  aria-label={`Remove option ${i + 1}`}
                  onClick={() => onChange({ ...node, options: node.options.filter((_, j) => j !== i) })}
                >
                  ✕
                </button>
              </div>
              {!buttons && (
                <LocalTextInput
                  languages={languages}
                  issues={issues}
                  optional
                  label="Description"
                  path={`${at}.description`}
                  value={option.description}
                  max={LIMITS.rowDescription}
                  onChange={(description) => setOption(i, { description })}
                />
              )}
              <div className="grid grid-cols-2 gap-2">
                <WordsInput
                  key={`${id}-${i}-kw`}
                  label="Also matches"
                  value={option.keywords ?? []}
                  issues={issues}
                  path={`${at}.keywords`}
                  placeholder="e.g. order, delivery"
                  onChange={(keywords) => setOption(i, { keywords: keywords.length ? keywords : undefined })}
                />
                <NodeSelect
                  label="Goes to"
                  value={option.next}
                  nodes={flow.nodes}
                  issues={issues}
                  path={`${at}.next`}
                  onChange={(next) => setOption(i, { next })}
                />
              </div>
            </div>
          );
        })}
      </div>
      <LocalTextInput
        languages={languages}
        issues={issues}
        optional
        label="Retry text"
        path={`${path}.retry`}
        value={node.retry}
        max={LIMITS.text}
        onChange={(retry) => onChange({ ...node, retry })}
        placeholder="Default: the flow's retry text"
      />
      <p className="text-xs text-slate-500">
        Customers can tap, type the title, its number (1, 2…) or a keyword. A wrong answer sends the retry
        text and the options again.
      </p>
    </>
  );
}

const VALIDATIONS: { value: QuestionNode["validation"]; label: string }[] = [
  { value: "text", label: "Any text" },
  { value: "email", label: "Email address" },
  { value: "number", label: "Number" },
  { value: "phone", label: "Phone number" },
  { value: "pattern", label: "Pattern (e.g. order number)" },
];

function QuestionForm({ id, node, flow, issues, onChange }: Props<QuestionNode>) {
  const languages = flow.settings.languages ?? [];
  const path = `nodes.${id}`;
  return (
    <>
      <LocalTextInput
        languages={languages}
        issues={issues}
        label="Question"
        path={`${path}.text`}
        value={node.text}
        max={LIMITS.text}
        multiline
        onChange={(text) => onChange({ ...node, text: text ?? "" })}
      />
      <div className="grid grid-cols-2 gap-3">
        <Field label="Save the answer in field" issues={issues} path={`${path}.field`}>
          <input
            aria-label="Save the answer in field"
            value={node.field}
            onChange={(e) => onChange({ ...node, field: e.target.value })}
            className={inputClass}
          />
        </Field>
        <Field label="Accept" issues={issues} path={`${path}.validation`}>
          <select
            aria-label="Accept"
            value={node.validation}
            onChange={(e) => onChange({ ...node, validation: e.target.value as QuestionNode["validation"] })}
            className={inputClass}
          >
            {VALIDATIONS.map((v) => (
              <option key={v.value} value={v.value}>
                {v.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {node.validation === "pattern" && (
        <Field
          label="Pattern"
          hint="a regular expression for the whole answer, e.g. #?\d{5,10}"
          issues={issues}
          path={`${path}.pattern`}
        >
          <input
            aria-label="Pattern"
            value={node.pattern ?? ""}
            onChange={(e) => onChange({ ...node, pattern: e.target.value || undefined })}
            className={`${inputClass} font-mono`}
          />
        </Field>
      )}
      <LocalTextInput
        languages={languages}
        issues={issues}
        optional
        label="When the answer is not valid"
        path={`${path}.retry`}
        value={node.retry}
        max={LIMITS.text}
        onChange={(retry) => onChange({ ...node, retry })}
        placeholder="Default: the flow's retry text"
      />
      <NodeSelect
        label="Then"
        value={node.next}
        nodes={flow.nodes}
        issues={issues}
        path={`${path}.next`}
        onChange={(next) => onChange({ ...node, next })}
      />
    </>
  );
}

function FaqForm({ id, node, flow, issues, onChange }: Props<FaqNode>) {
  const languages = flow.settings.languages ?? [];
  const path = `nodes.${id}`;
  const setEntry = (i: number, patch: Partial<FaqNode["entries"][number]>) =>
    onChange({ ...node, entries: node.entries.map((e, j) => (j === i ? { ...e, ...patch } : e)) });
  return (
    <>
      <LocalTextInput
        languages={languages}
        issues={issues}
        optional
        label="Intro"
        path={`${path}.text`}
        value={node.text}
        max={LIMITS.text}
        multiline
        onChange={(text) => onChange({ ...node, text })}
      />
      <div className="space-y-2">
        <div className="flex items-center justify-between">
          <h3 className="text-xs font-medium text-slate-600">
            Answers (the first whose keyword appears wins)
          </h3>
          <button
            type="button"
            className={smallButton}
            onClick={() => onChange({ ...node, entries: [...node.entries, { keywords: [], answer: "" }] })}
          >
            Add answer
          </button>
        </div>
        <Problems issues={issues} path={`${path}.entries`} />
        {node.entries.map((entry, i) => (
          <div key={i} className="space-y-2 rounded-md border border-slate-200 p-2" data-testid="faq-entry">
            <div className="flex items-start gap-2">
              <div className="flex-1">
                <WordsInput
                  key={`${id}-${i}-kw`}
                  label="Keywords"
                  value={entry.keywords}
                  issues={issues}
                  path={`${path}.entries.${i}.keywords`}
                  placeholder="e.g. refund, money back"
                  onChange={(keywords) => setEntry(i, { keywords })}
                />
              </div>
              <button
                type="button"
                className={`${smallButton} mt-5`}
                aria-label={`Remove answer ${i + 1}`}
                onClick={() => onChange({ ...node, entries: node.entries.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </div>
            <LocalTextInput
              languages={languages}
              issues={issues}
              label="Answer"
              path={`${path}.entries.${i}.answer`}
              value={entry.answer}
              max={LIMITS.text}
              multiline
              onChange={(answer) => setEntry(i, { answer: answer ?? "" })}
            />
          </div>
        ))}
      </div>
      <LocalTextInput
        languages={languages}
        issues={issues}
        label="When nothing matches"
        path={`${path}.fallback`}
        value={node.fallback}
        max={LIMITS.text}
        multiline
        onChange={(fallback) => onChange({ ...node, fallback: fallback ?? "" })}
      />
      <NodeSelect
        allowNone
        label="After an answer"
        value={node.next}
        nodes={flow.nodes}
        issues={issues}
        path={`${path}.next`}
        onChange={(next) => onChange({ ...node, next: next || undefined })}
      />
      <p className="text-xs text-slate-500">
        A miss counts as a wrong answer: after the flow&apos;s limit the chat goes to a person.
      </p>
    </>
  );
}

function LanguageForm({ id, node, flow, issues, onChange }: Props<LanguageNode>) {
  const languages = flow.settings.languages ?? [];
  const path = `nodes.${id}`;
  const setOption = (i: number, patch: Partial<LanguageNode["options"][number]>) =>
    onChange({ ...node, options: node.options.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  return (
    <>
      <LocalTextInput
        languages={languages}
        issues={issues}
        label="Text"
        path={`${path}.text`}
        value={node.text}
        max={LIMITS.body}
        multiline
        onChange={(text) => onChange({ ...node, text: text ?? "" })}
      />
      <div className="space-y-2">
        <div className="flex items-center justify-between">
          <h3 className="text-xs font-medium text-slate-600">
            Languages offered (buttons up to 3, a list beyond)
          </h3>
          <button
            type="button"
            className={smallButton}
            disabled={node.options.length >= LIMITS.rows}
            onClick={() => onChange({ ...node, options: [...node.options, { language: "", title: "" }] })}
          >
            Add language
          </button>
        </div>
        <Problems issues={issues} path={`${path}.options`} />
        {node.options.map((option, i) => (
          <div key={i} className="grid grid-cols-[8rem_1fr_auto] items-start gap-2">
            <Field label="Language" issues={issues} path={`${path}.options.${i}.language`}>
              <select
                aria-label={`Language ${i + 1}`}
                value={option.language}
                onChange={(e) => setOption(i, { language: e.target.value })}
                className={inputClass}
              >
                <option value="">—</option>
                {[...new Set([...languages, option.language].filter(Boolean))].map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Button title" issues={issues} path={`${path}.options.${i}.title`}>
              <input
                aria-label={`Language ${i + 1} title`}
                value={option.title}
                onChange={(e) => setOption(i, { title: e.target.value })}
                className={inputClass}
              />
            </Field>
            <button
              type="button"
              className={`${smallButton} mt-5`}
              aria-label={`Remove language ${i + 1}`}
              onClick={() => onChange({ ...node, options: node.options.filter((_, j) => j !== i) })}
            >
              ✕
            </button>
          </div>
        ))}
        {languages.length === 0 && (
          <p className="text-xs text-amber-700">Add the flow&apos;s languages in Settings first.</p>
        )}
      </div>
      <LocalTextInput
        languages={languages}
        issues={issues}
        optional
        label="Retry text"
        path={`${path}.retry`}
        value={node.retry}
        max={LIMITS.text}
        onChange={(retry) => onChange({ ...node, retry })}
      />
      <NodeSelect
        label="Then"
        value={node.next}
        nodes={flow.nodes}
        issues={issues}
        path={`${path}.next`}
        onChange={(next) => onChange({ ...node, next })}
      />
    </>
  );
}

const OPS: { value: Extract<Condition, { kind: "field" }>["op"]; label: string }[] = [
  { value: "equals", label: "is" },
  { value: "not_equals", label: "is not" },
  { value: "contains", label: "contains" },
  { value: "matches", label: "matches pattern" },
  { value: "exists", label: "was answered" },
  { value: "missing", label: "was not answered" },
  { value: "gt", label: "is more than" },
  { value: "lt", label: "is less than" },
];

function ConditionForm({ id, node, flow, issues, onChange }: Props<ConditionNode>) {
  const path = `nodes.${id}`;
  const fields = collectedFields(flow);
  const languages = flow.settings.languages ?? [];
  const setRule = (i: number, rule: ConditionNode["rules"][number]) =>
    onChange({ ...node, rules: node.rules.map((r, j) => (j === i ? rule : r)) });
  const blank: Record<Condition["kind"], Condition> = {
    field: { kind: "field", field: fields[0] ?? "", op: "equals", value: "" },
    language: { kind: "language", equals: languages[0] ?? "en" },
    business_hours: { kind: "business_hours", open: true },
  };
  return (
    <>
      <div className="flex items-center justify-between">
        <h3 className="text-xs font-medium text-slate-600">
          Rules, checked in order: the first that holds decides
        </h3>
        <button
          type="button"
          className={smallButton}
          onClick={() => onChange({ ...node, rules: [...node.rules, { when: blank.field, next: "" }] })}
        >
          Add rule
        </button>
      </div>
      {node.rules.map((rule, i) => {
        const at = `${path}.rules.${i}`;
        const when = rule.when;
        return (
          <div
            key={i}
            className="space-y-2 rounded-md border border-slate-200 p-2"
            data-testid="condition-rule"
          >
            <div className="flex flex-wrap items-start gap-2">
              <span className="mt-1 text-xs text-slate-500">If</span>
              <select
                aria-label={`Rule ${i + 1} kind`}
                value={when.kind}
                onChange={(e) => setRule(i, { ...rule, when: blank[e.target.value as Condition["kind"]] })}
                className={`${inputClass} w-40`}
              >
                <option value="field">a field</option>
                <option value="language">the language</option>
                <option value="business_hours">business hours</option>
              </select>
              {when.kind === "field" && (
                <>
                  <input
                    aria-label={`Rule ${i + 1} field`}
                    list={`${id}-fields`}
                    value={when.field}
                    onChange={(e) => setRule(i, { ...rule, when: { ...when, field: e.target.value } })}
                    className={`${inputClass} w-36`}
                  />
                  <datalist id={`${id}-fields`}>
                    {fields.map((f) => (
                      <option key={f} value={f} />
                    ))}
                  </datalist>
                  <select
                    aria-label={`Rule ${i + 1} test`}
                    value={when.op}
                    onChange={(e) =>
                      setRule(i, { ...rule, when: { ...when, op: e.target.value as typeof when.op } })
                    }
                    className={`${inputClass} w-40`}
                  >
                    {OPS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  {when.op !== "exists" && when.op !== "missing" && (
                    <input
                      aria-label={`Rule ${i + 1} value`}
                      value={when.value ?? ""}
                      onChange={(e) => setRule(i, { ...rule, when: { ...when, value: e.target.value } })}
                      className={`${inputClass} w-36`}
                    />
                  )}
                </>
              )}
              {when.kind === "language" && (
                <select
                  aria-label={`Rule ${i + 1} language`}
                  value={when.equals}
                  onChange={(e) => setRule(i, { ...rule, when: { ...when, equals: e.target.value } })}
                  className={`${inputClass} w-28`}
                >
                  {[...new Set([...languages, when.equals])].map((l) => (
                    <option key={l} value={l}>
                      is {l}
                    </option>
                  ))}
                </select>
              )}
              {when.kind === "business_hours" && (
                <select
                  aria-label={`Rule ${i + 1} hours`}
                  value={when.open ? "open" : "closed"}
                  onChange={(e) =>
                    setRule(i, { ...rule, when: { ...when, open: e.target.value === "open" } })
                  }
                  className={`${inputClass} w-32`}
                >
                  <option value="open">are open</option>
                  <option value="closed">are closed</option>
                </select>
              )}
              <button
                type="button"
                className={smallButton}
                aria-label={`Remove rule ${i + 1}`}
                onClick={() => onChange({ ...node, rules: node.rules.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </div>
            <Problems issues={issues} path={`${at}.when`} deep />
            <NodeSelect
              label="Go to"
              value={rule.next}
              nodes={flow.nodes}
              issues={issues}
              path={`${at}.next`}
              onChange={(next) => setRule(i, { ...rule, next })}
            />
          </div>
        );
      })}
      <NodeSelect
        label="Otherwise"
        value={node.else}
        nodes={flow.nodes}
        issues={issues}
        path={`${path}.else`}
        onChange={(next) => onChange({ ...node, else: next })}
      />
      <p className="text-xs text-slate-500">
        A handoff reached through a field rule is recorded as &quot;field&quot;, e.g. for routing.
      </p>
    </>
  );
}

function PlaceholderHint({ flow }: { flow: FlowDefinition }) {
  const fields = collectedFields(flow);
  return (
    <p className="text-xs text-slate-500">
      Placeholders:{" "}
      {fields.map((f) => (
        <code key={f} className="mr-1">{`{{fields.${f}}}`}</code>
      ))}
      <code className="mr-1">{"{{language}}"}</code>
      <code>{"{{message}}"}</code>
    </p>
  );
}
