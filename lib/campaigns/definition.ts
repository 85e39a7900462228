import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import type { Ctx } from "@/lib/db/context";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { templateVariables } from "@/lib/messaging/schemas";
import { getTemplate } from "@/lib/templates";
import type { TemplateDto } from "@/lib/templates/schemas";
import { unknownFields } from "./personalize";
import type { CampaignSegment } from "./schemas";

export type CampaignNumber = { id: string; waba_id: string; display_number: string };

/** The number and template a campaign sends with; the template must be an approved one of that number's WABA. */
export async function resolveNumberAndTemplate(
  db: DbOrTx,
  ctx: Ctx,
  input: { numberId: string; templateId: string },
): Promise<{ number: CampaignNumber; template: TemplateDto }> {
  const [number] = await db.execute<CampaignNumber>(
    sql`select id, waba_id, display_number from phone_numbers where id = ${input.numberId}`,
  );
  if (!number) throw new ValidationError("number_id does not name a number", { field: "number_id" });
  const template = await getTemplate({ ctx, input: { id: input.templateId } }).catch((error: unknown) => {
    if (error instanceof NotFoundError)
      throw new ValidationError("template_id does not name a template", { field: "template_id" });
    throw error;
  });
  if (template.waba_id !== number.waba_id)
    throw new ValidationError("template_id is not a template of this number's WhatsApp account", {
      field: "template_id",
    });
  if ((template.status ?? "").toUpperCase() !== "APPROVED")
    throw new ValidationError(
      `template_id is ${template.status ?? "not approved"}; campaigns need an APPROVED one`,
      {
        field: "template_id",
      },
    );
  return { number, template };
}

/**
 * Everything the template needs has a value (checked once here rather than failing every recipient): body
 * variables, a text header's variable, a media header's link, dynamic button values.
 */
export function checkMessageDefinition(
  template: TemplateDto,
  def: {
    variables: Record<string, string>;
    header?: { link?: string; text?: string } | undefined;
    buttons?: { index: number; payload?: string; text?: string }[] | undefined;
  },
): void {
  const vars = templateVariables({
    components: template.components,
    parameter_format: template.parameter_format,
  });
  const named = vars.parameterFormat === "NAMED";
  for (const { key } of vars.body)
    if (!def.variables[key]?.trim())
      throw new ValidationError(`variables.${key}: a value for {{${key}}} is missing`, {
        field: `variables.${key}`,
      });
  for (const { key } of vars.header)
    if (!def.header?.text?.trim() && !(named && def.variables[key]?.trim()))
      throw new ValidationError(`header.text: a value for the header's {{${key}}} is missing`, {
        field: "header.text",
      });
  if (vars.headerFormat && ["IMAGE", "VIDEO", "DOCUMENT"].includes(vars.headerFormat) && !def.header?.link)
    throw new ValidationError(
      `header.link: the template's ${vars.headerFormat.toLowerCase()} header needs a link`,
      {
        field: "header.link",
      },
    );
  for (const button of vars.buttons)
    if (
      button.vars.length > 0 &&
      !def.buttons?.some((b) => b.index === button.index && (b.text || b.payload))
    )
      throw new ValidationError(`buttons: button ${button.index + 1} needs a value`, { field: "buttons" });
  const known = new Set([...vars.body, ...(named ? vars.header : [])].map((v) => v.key));
  for (const [key, value] of Object.entries(def.variables)) {
    if (!known.has(key))
      throw new ValidationError(`variables.${key}: the template has no {{${key}}}`, {
        field: `variables.${key}`,
      });
    const unknown = unknownFields(value);
    if (unknown.length > 0)
      throw new ValidationError(`variables.${key}: unknown contact field ${unknown.join(", ")}`, {
        field: `variables.${key}`,
      });
  }
}

/** The segment's label (and the one it leaves out) exist: a typo'd id would silently reach nobody. */
export async function checkSegmentRefs(db: DbOrTx, segment: CampaignSegment): Promise<void> {
  for (const field of ["label_id", "exclude_label_id"] as const) {
    const id = segment[field];
    if (!id) continue;
    const [label] = await db.execute<{ id: string }>(sql`select id from labels where id = ${id}`);
    if (!label)
      throw new ValidationError(`segment.${field} does not name a label`, { field: `segment.${field}` });
  }
}
