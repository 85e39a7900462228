import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { seal } from "@/lib/auth/secret-box";
import type { Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { validateFlow } from "./flow/validate";
import type { BotDto as ClientBotDto } from "./schemas";
import { isUuid } from "@/lib/utils/ids";

export type BotDto = { number_id: string; display_number: string; bot: ClientBotDto | null };

export const botInput = z
  .object({
    name: z.string().trim().min(1, "is empty").max(80),
    kind: z.enum(["flow", "external"]),
    active: z.boolean().default(false),
    // Bots receive customer data: HTTPS only (localhost allowed for development and tests).
    external_url: z
      .url()
      .refine((u) => u.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(u), {
        message: "must be an https:// URL",
      })
      .nullable()
      .default(null),
    reply_timeout_seconds: z.number().int().min(5).max(3600).default(60),
    resume_after_resolve: z.boolean().default(false),
  })
  .strict();

/** Every number with its bot (or none), for the admin page. */
export async function listBots({ ctx }: { ctx: Ctx }): Promise<BotDto[]> {
  assertCan(ctx.actor, "numbers:manage");
  const rows = await dbOf(ctx).execute<BotRow & { number_id: string; display_number: string }>(sql`
    select n.id as number_id, n.display_number, b.*
    from phone_numbers n left join bots b on b.phone_number_id = n.id
    order by n.display_number`);
  return rows.map((r) => ({
    number_id: r.number_id,
    display_number: r.display_number,
    bot: r.id ? toDto(r) : null,
  }));
}

export async function upsertBot({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { numberId: string } & z.input<typeof botInput>;
}): Promise<BotDto> {
  assertCan(ctx.actor, "numbers:manage");
  const { numberId, ...body } = input;
  const params = botInput.parse(body);
  if (!isUuid(numberId)) throw new NotFoundError("Number");
  await withTransaction(ctx, async (tx) => {
    const [number] = await tx.execute(sql`select 1 from phone_numbers where id = ${numberId}`);
    if (!number) throw new NotFoundError("Number");
    if (params.kind === "external" && !params.external_url)
      throw new ValidationError("external_url is required for an external bot", { field: "external_url" });
    const [row] = await tx.execute<BotRow>(sql`
      insert into bots (phone_number_id, name, kind, active, external_url, reply_timeout_seconds, resume_after_resolve)
      values (${numberId}, ${params.name}, ${params.kind}, ${params.active}, ${params.external_url},
              ${params.reply_timeout_seconds}, ${params.resume_after_resolve})
      on conflict (phone_number_id) do update set name = excluded.name, kind = excluded.kind, active = excluded.active,
        external_url = excluded.external_url, reply_timeout_seconds = excluded.reply_timeout_seconds,
        resume_after_resolve = excluded.resume_after_resolve, updated_at = now()
      returning *`);
    if (params.active && row!.kind === "flow" && row!.published_version === null)
      throw new ConflictError("Publish a flow before turning the bot on");
    if (params.active && row!.kind === "external" && !row!.external_secret)
      throw new ConflictError("Generate the signing secret before turning the bot on");
    await emitAudit(tx, ctx.actor, {
      action: "bot.saved",
      entityType: "bot",
      entityId: row!.id,
      data: params,
    });
  });
  return getBot(ctx, numberId);
}

/** Publishes a new immutable flow version; conversations already with the bot keep theirs. */
export async function publishFlow({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { numberId: string; definition: unknown };
}): Promise<{ version: number }> {
  assertCan(ctx.actor, "numbers:manage");
  const checked = validateFlow(input.definition);
  if (!checked.ok) {
    const first = checked.errors[0]!;
    throw new ValidationError(`definition.${first.path} ${first.message}`, {
      field: `definition.${first.path}`,
      errors: checked.errors,
    });
  }
  return withTransaction(ctx, async (tx) => {
    const bot = await botFor(tx, input.numberId);
    const [row] = await tx.execute<{ version: number }>(sql`
      insert into bot_flow_versions (bot_id, version, definition, created_by)
      select ${bot.id}, coalesce(max(version), 0) + 1, ${JSON.stringify(checked.flow)}::jsonb,
             ${ctx.actor.type === "user" ? ctx.actor.id : null}
      from bot_flow_versions where bot_id = ${bot.id}
      returning version`);
    await tx.execute(
      sql`update bots set published_version = ${row!.version}, updated_at = now() where id = ${bot.id}`,
    );
    await emitAudit(tx, ctx.actor, {
      action: "bot.flow_published",
      entityType: "bot",
      entityId: bot.id,
      data: { version: row!.version },
    });
    return { version: row!.version };
  });
}

export async function getLatestFlow({ ctx, input }: { ctx: Ctx; input: { numberId: string } }) {
  assertCan(ctx.actor, "numbers:manage");
  const bot = await botFor(dbOf(ctx), input.numberId);
  const [row] = await dbOf(ctx).execute<{ version: number; definition: unknown; created_at: string }>(sql`
    select version, definition, created_at from bot_flow_versions where bot_id = ${bot.id}
    order by version desc limit 1`);
  // No version yet: 404, and the editor starts from the default flow.
  if (!row) throw new NotFoundError("Flow");
  return {
    version: row.version,
    definition: row.definition,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** The bot's REST token (`tbot_<prefix>_<secret>`), shown once; a new one replaces the old at once. */
export async function generateBotToken({ ctx, input }: { ctx: Ctx; input: { numberId: string } }) {
  assertCan(ctx.actor, "numbers:manage");
  const prefix = crypto.randomBytes(6).toString("hex");
  const secret = crypto.randomBytes(24).toString("base64url");
  await withTransaction(ctx, async (tx) => {
    const bot = await botFor(tx, input.numberId);
    await tx.execute(sql`
      update bots set token_prefix = ${prefix}, token_hash = ${sha256(secret)}, updated_at = now() where id = ${bot.id}`);
    await emitAudit(tx, ctx.actor, {
      action: "bot.token_generated",
      entityType: "bot",
      entityId: bot.id,
      data: { prefix },
    });
  });
  return { token: `tbot_${prefix}_${secret}` };
}

/** The HMAC secret events to the external bot are signed with, shown once, stored encrypted. */
export async function generateBotSecret({ ctx, input }: { ctx: Ctx; input: { numberId: string } }) {
  assertCan(ctx.actor, "numbers:manage");
  const secret = `whsec_${crypto.randomBytes(24).toString("base64url")}`;
  await withTransaction(ctx, async (tx) => {
    const bot = await botFor(tx, input.numberId);
    await tx.execute(sql`
      update bots set external_secret = ${seal(secret, "bot-secret")}, updated_at = now() where id = ${bot.id}`);
    await emitAudit(tx, ctx.actor, { action: "bot.secret_generated", entityType: "bot", entityId: bot.id });
  });
  return { secret };
}

export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

export type BotRow = {
  id: string;
  phone_number_id: string;
  name: string;
  kind: "flow" | "external";
  active: boolean;
  published_version: number | null;
  external_url: string | null;
  external_secret: string | null;
  token_prefix: string | null;
  token_hash: string | null;
  reply_timeout_seconds: number;
  resume_after_resolve: boolean;
  updated_at: string;
};

async function botFor(db: Tx | ReturnType<typeof dbOf>, numberId: string): Promise<BotRow> {
  if (!isUuid(numberId)) throw new NotFoundError("Bot");
  const [bot] = await db.execute<BotRow>(sql`select * from bots where phone_number_id = ${numberId}`);
  if (!bot) throw new NotFoundError("Bot");
  return bot;
}

async function getBot(ctx: Ctx, numberId: string): Promise<BotDto> {
  const all = await listBots({ ctx });
  const found = all.find((b) => b.number_id === numberId);
  if (!found) throw new NotFoundError("Number");
  return found;
}

function toDto(r: BotRow): ClientBotDto {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    active: r.active,
    published_version: r.published_version,
    external_url: r.external_url,
    has_secret: Boolean(r.external_secret),
    has_token: Boolean(r.token_hash),
    token_prefix: r.token_prefix,
    reply_timeout_seconds: r.reply_timeout_seconds,
    resume_after_resolve: r.resume_after_resolve,
  };
}
