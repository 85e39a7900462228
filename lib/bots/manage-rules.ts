import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import type { DbOrTx, Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { isUuid } from "@/lib/utils/ids";
import type { RuleConditions } from "./rules";

// Routing rules are workspace configuration that decides which team gets handed-off work: admins only
// (teams:manage), like a team's assignment policy.

export const ruleConditionsInput = z
  .object({
    number_id: z.uuid().optional(),
    keyword: z.string().trim().min(1, "is empty").max(100).optional(),
    language: z.string().trim().min(2, "is too short").max(16).optional(),
    label_id: z.uuid().optional(),
    field: z
      .object({
        name: z.string().trim().min(1, "is empty").max(64),
        equals: z.string().trim().min(1, "is empty").max(1000),
      })
      .strict()
      .optional(),
    business_hours: z.object({ id: z.uuid(), open: z.boolean() }).strict().optional(),
  })
  .strict()
  // A rule with no condition would swallow every handoff: the number's default team already does that.
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: "needs at least one condition" });

export const routingRuleInput = z
  .object({
    name: z.string().trim().min(1, "is empty").max(80),
    team_id: z.uuid(),
    active: z.boolean().default(true),
    conditions: ruleConditionsInput,
  })
  .strict();
export type RoutingRuleInput = z.input<typeof routingRuleInput>;

export const reorderRulesInput = z
  .object({ ids: z.array(z.uuid()).max(1000) })
  .strict()
  .refine((b) => new Set(b.ids).size === b.ids.length, { message: "lists a rule twice", path: ["ids"] });

export type RoutingRuleDto = {
  id: string;
  name: string;
  position: number;
  active: boolean;
  conditions: RuleConditions;
  team_id: string;
  team_name: string;
  created_at: string;
};

/** Every rule in the order handoffs try them (first match wins). */
export async function listRoutingRules({ ctx }: { ctx: Ctx }): Promise<RoutingRuleDto[]> {
  assertCan(ctx.actor, "teams:manage");
  return listRules(dbOf(ctx));
}

/** A new rule goes last, so it never silently overrides the rules already in place. */
export async function createRoutingRule({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RoutingRuleInput;
}): Promise<RoutingRuleDto> {
  assertCan(ctx.actor, "teams:manage");
  const rule = routingRuleInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    await checkReferences(tx, rule);
    // Serialises concurrent creates so two new rules never share a position.
    await tx.execute(sql`lock table routing_rules in share row exclusive mode`);
    const [row] = await tx.execute<{ id: string }>(sql`
      insert into routing_rules (name, position, active, conditions, team_id)
      select ${rule.name}, coalesce(max(position), 0) + 1, ${rule.active},
             ${JSON.stringify(rule.conditions)}::jsonb, ${rule.team_id}
      from routing_rules
      returning id`);
    await emitAudit(tx, ctx.actor, {
      action: "routing_rule.created",
      entityType: "routing_rule",
      entityId: row!.id,
      data: rule,
    });
    return getRule(tx, row!.id);
  });
}

/** Replaces a rule's name, team, conditions and on/off; its position stays (see reorder). */
export async function updateRoutingRule({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string } & RoutingRuleInput;
}): Promise<RoutingRuleDto> {
  assertCan(ctx.actor, "teams:manage");
  const { id, ...body } = input;
  const rule = routingRuleInput.parse(body);
  if (!isUuid(id)) throw new NotFoundError("Routing rule");
  return withTransaction(ctx, async (tx) => {
    await checkReferences(tx, rule);
    const [row] = await tx.execute<{ id: string }>(sql`
      update routing_rules set name = ${rule.name}, active = ${rule.active},
        conditions = ${JSON.stringify(rule.conditions)}::jsonb, team_id = ${rule.team_id}
      where id = ${id} returning id`);
    if (!row) throw new NotFoundError("Routing rule");
    await emitAudit(tx, ctx.actor, {
      action: "routing_rule.updated",
      entityType: "routing_rule",
      entityId: id,
      data: rule,
    });
    return getRule(tx, id);
  });
}

export async function deleteRoutingRule({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "teams:manage");
  if (!isUuid(input.id)) throw new NotFoundError("Routing rule");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ name: string }>(
      sql`delete from routing_rules where id = ${input.id} returning name`,
    );
    if (!row) throw new NotFoundError("Routing rule");
    await emitAudit(tx, ctx.actor, {
      action: "routing_rule.deleted",
      entityType: "routing_rule",
      entityId: input.id,
      data: { name: row.name },
    });
    return { ok: true as const };
  });
}

/**
 * Puts the rules in the given order. The list must name every rule exactly once: a partial list from a
 * stale page would otherwise leave positions ambiguous.
 */
export async function reorderRoutingRules({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof reorderRulesInput>;
}): Promise<RoutingRuleDto[]> {
  assertCan(ctx.actor, "teams:manage");
  const { ids } = reorderRulesInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    await tx.execute(sql`lock table routing_rules in share row exclusive mode`);
    const existing = await tx.execute<{ id: string }>(sql`select id from routing_rules`);
    const known = new Set(existing.map((r) => r.id));
    const missing = existing.find((r) => !ids.includes(r.id));
    const unknown = ids.find((id) => !known.has(id));
    if (missing || unknown)
      throw new ValidationError(
        unknown
          ? `ids contains ${unknown}, which is not a routing rule (reload the page)`
          : `ids must list every routing rule (${missing!.id} is missing; reload the page)`,
        { field: "ids" },
      );
    if (ids.length > 0)
      await tx.execute(sql`
        update routing_rules r set position = o.position::int
        from unnest(${`{${ids.join(",")}}`}::uuid[]) with ordinality as o(id, position)
        where r.id = o.id`);
    await emitAudit(tx, ctx.actor, {
      action: "routing_rule.reordered",
      entityType: "routing_rule",
      entityId: null,
      data: { ids },
    });
    return listRules(tx);
  });
}

// Ids a rule points at must exist now; a 422 names the field so the form can show it.
async function checkReferences(tx: Tx, rule: z.output<typeof routingRuleInput>) {
  const checks: [string, string | undefined, string][] = [
    ["team_id", rule.team_id, "teams"],
    ["conditions.number_id", rule.conditions.number_id, "phone_numbers"],
    ["conditions.label_id", rule.conditions.label_id, "labels"],
    ["conditions.business_hours.id", rule.conditions.business_hours?.id, "business_hours"],
  ];
  for (const [field, id, table] of checks) {
    if (!id) continue;
    const [row] = await tx.execute(sql`select 1 from ${sql.identifier(table)} where id = ${id}`);
    if (!row) throw new ValidationError(`${field} does not exist`, { field });
  }
}

async function listRules(db: DbOrTx): Promise<RoutingRuleDto[]> {
  const rows = await db.execute<Row>(sql`
    select r.id, r.name, r.position, r.active, r.conditions, r.team_id, t.name as team_name, r.created_at
    from routing_rules r join teams t on t.id = r.team_id
    order by r.position, r.created_at`);
  return rows.map(toDto);
}

async function getRule(tx: Tx, id: string): Promise<RoutingRuleDto> {
  const [row] = await tx.execute<Row>(sql`
    select r.id, r.name, r.position, r.active, r.conditions, r.team_id, t.name as team_name, r.created_at
    from routing_rules r join teams t on t.id = r.team_id where r.id = ${id}`);
  if (!row) throw new NotFoundError("Routing rule");
  return toDto(row);
}

type Row = Omit<RoutingRuleDto, "created_at"> & { created_at: string | Date };

function toDto(row: Row): RoutingRuleDto {
  return { ...row, created_at: new Date(row.created_at).toISOString() };
}
