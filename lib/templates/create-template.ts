import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { templates } from "@/lib/db/schema";
import { ConflictError, UpstreamError, ValidationError } from "@/lib/errors";
import { listNumbers } from "@/lib/numbers";
import { graphJson } from "@/lib/whatsapp/client";
import { normalizeLanguage } from "@/lib/whatsapp/normalize-account";
import { toTemplateDto } from "./queries";
import {
  createTemplateInput,
  templateVariables,
  type CreateTemplateData,
  type CreateTemplateInput,
  type FieldIssue,
  type TemplateComponent,
  type TemplateDto,
} from "./schemas";

const createResponse = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  status: z.string().nullish(),
  category: z.string().nullish(),
});

/** Meta's "content in this language already exists" (PROTOCOL.md §10 create). */
const DUPLICATE_SUBCODE = 2388024;

/**
 * Validates a template against Meta's rules before any Graph call, submits it for review
 * (POST /{waba}/message_templates) and stores the row with the status Meta returned (PENDING).
 */
export async function createTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateTemplateInput;
}): Promise<TemplateDto> {
  assertCan(ctx.actor, "templates:manage");
  const parsed = createTemplateInput.safeParse(input);
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((i) => ({
      field: i.path.map(String).join(".") || "body",
      message: i.message,
    }));
    const first = issues[0]!;
    throw new ValidationError(`${first.field} ${first.message}`, { field: first.field, issues });
  }
  const data = parsed.data;
  const wabaId = data.waba_id ?? (await soleWabaId(ctx));
  const body = toGraphBody(data);
  // Graph first and outside the transaction: if the insert below fails, the next sync adds the row.
  let created: z.infer<typeof createResponse>;
  try {
    created = createResponse.parse(
      await graphJson(`${encodeURIComponent(wabaId)}/message_templates`, { method: "POST", json: body }),
    );
  } catch (error) {
    if (error instanceof UpstreamError && error.details?.graphSubcode === DUPLICATE_SUBCODE)
      throw new ConflictError(`A template named ${body.name} already exists in ${body.language}`);
    throw error;
  }
  return withTransaction(ctx, async (tx) => {
    // A review webhook may have landed first: what it said is newer than the create response.
    const [row] = await tx
      .insert(templates)
      .values({
        wabaId,
        templateId: created.id,
        name: body.name,
        language: body.language,
        status: created.status ?? "PENDING",
        category: created.category ?? body.category,
        components: body.components,
      })
      .onConflictDoUpdate({
        target: [templates.wabaId, templates.templateId],
        set: {
          name: sql`excluded.name`,
          language: sql`excluded.language`,
          components: sql`excluded.components`,
          status: sql`coalesce(${templates.status}, excluded.status)`,
          category: sql`coalesce(${templates.category}, excluded.category)`,
          updatedAt: sql`now()`,
        },
      })
      .returning();
    await emitAudit(tx, ctx.actor, {
      action: "template.created",
      entityType: "template",
      entityId: row!.id,
      data: {
        wabaId,
        templateId: created.id,
        name: body.name,
        language: body.language,
        category: body.category,
      },
    });
    return toTemplateDto(row!);
  });
}

/** Meta's create body (PROTOCOL.md §10) from the validated form. */
export function toGraphBody(data: CreateTemplateData) {
  const named = data.parameter_format === "NAMED";
  const { header, body, footer, buttons } = data.components;
  const components: TemplateComponent[] = [];
  if (header?.format === "TEXT") {
    const [variable] = templateVariables(header.text);
    const example =
      variable === undefined
        ? undefined
        : named
          ? { header_text_named_params: [{ param_name: variable, example: header.example }] }
          : { header_text: [header.example] };
    components.push({ type: "HEADER", format: "TEXT", text: header.text, ...(example ? { example } : {}) });
  } else if (header) {
    components.push({
      type: "HEADER",
      format: header.format,
      ...(header.handle ? { example: { header_handle: [header.handle] } } : {}),
    });
  }
  const variables = [...new Set(templateVariables(body.text))];
  const bodyExample =
    variables.length === 0
      ? undefined
      : named
        ? {
            body_text_named_params: variables.map((v) => ({
              param_name: v,
              example: body.examples[v]!.trim(),
            })),
          }
        : {
            body_text: [
              variables
                .map(Number)
                .sort((a, b) => a - b)
                .map((n) => body.examples[String(n)]!.trim()),
            ],
          };
  components.push({ type: "BODY", text: body.text, ...(bodyExample ? { example: bodyExample } : {}) });
  if (footer) components.push({ type: "FOOTER", text: footer.text });
  if (buttons.length > 0) {
    components.push({
      type: "BUTTONS",
      buttons: buttons.map((b) => {
        if (b.type === "URL")
          return {
            type: "URL",
            text: b.text,
            url: b.url,
            ...(templateVariables(b.url).length > 0 && b.example ? { example: [b.example] } : {}),
          };
        if (b.type === "PHONE_NUMBER")
          return { type: "PHONE_NUMBER", text: b.text, phone_number: b.phone_number };
        return { type: "QUICK_REPLY", text: b.text };
      }),
    });
  }
  return {
    name: data.name,
    language: normalizeLanguage(data.language) ?? data.language,
    category: data.category,
    parameter_format: data.parameter_format,
    components,
  };
}

/** With one WABA connected the caller need not name it; with several it must. */
async function soleWabaId(ctx: Ctx): Promise<string> {
  const wabas = [...new Set((await listNumbers(dbOf(ctx))).map((n) => n.wabaId))];
  if (wabas.length === 1) return wabas[0]!;
  throw new ValidationError(
    wabas.length === 0
      ? "waba_id is required: connect a number first"
      : "waba_id is required: several WABAs are connected",
    { field: "waba_id", issues: [{ field: "waba_id", message: "is required" }] },
  );
}
