import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { getEnv } from "@/lib/env.js";
import { AppError, ConflictError, UpstreamError, ValidationError } from "@/lib/errors";
import { getSetting } from "@/lib/settings";
import { graphJson } from "@/lib/whatsapp/client";
import { addNumber } from "./add-number";
import { getNumberForAdmin } from "./list-numbers";
import { findNumberByMetaId } from "./queries";
import { embeddedSignupInput, type EmbeddedSignupInput, type NumberDto } from "./schemas";

/**
 * Finishes Meta's Embedded Signup on the server: exchanges the browser's one-time code for the business
 * token (GET /oauth/access_token with the app id setting and META_APP_SECRET, through GRAPH_API_BASE),
 * subscribes the app to the WABA's webhooks, reads the display number, then connects the number with the
 * token sealed. The token and the app secret never leave the server or enter the audit log.
 */
export async function connectWithEmbeddedSignup({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: EmbeddedSignupInput;
}): Promise<NumberDto> {
  assertCan(ctx.actor, "numbers:manage");
  const body = embeddedSignupInput.parse(input);
  const { app_id: appId } = await getSetting(dbOf(ctx), "numbers.embedded_signup");
  if (!appId) throw new ConflictError("Embedded Signup is not configured: set the Meta app id first");
  const appSecret = getEnv().META_APP_SECRET;
  if (!appSecret)
    throw new ConflictError(
      "Embedded Signup needs Meta's app secret: META_APP_SECRET is not set on the server",
    );
  // The code is single-use and short-lived: refuse a duplicate before spending it.
  if (await findNumberByMetaId(dbOf(ctx), body.phone_number_id))
    throw new ConflictError(`Phone number id ${body.phone_number_id} is already connected`);

  const token = await exchangeCode(appId, appSecret, body.code);
  await meta("subscribe the app to the WhatsApp Business account", () =>
    graphJson(`${body.waba_id}/subscribed_apps`, { method: "POST", accessToken: token }),
  );
  const displayNumber =
    body.display_number ??
    (
      await meta("read the phone number", () =>
        graphJson<{ display_phone_number?: string }>(body.phone_number_id, {
          query: { fields: "display_phone_number,verified_name" },
          accessToken: token,
        }),
      )
    ).display_phone_number;
  if (!displayNumber) throw new UpstreamError("Meta did not return the number's display number", false);

  return withTransaction(ctx, async (tx) => {
    const inner = { ...ctx, db: tx };
    const row = await addNumber({
      ctx: inner,
      input: {
        wabaId: body.waba_id,
        phoneNumberId: body.phone_number_id,
        displayNumber,
        coexistence: body.coexistence,
        defaultTeamId: body.default_team_id ?? null,
        accessToken: token,
      },
    });
    await emitAudit(tx, ctx.actor, {
      action: "number.embedded_signup",
      entityType: "phone_number",
      entityId: row.id,
      data: { waba_id: body.waba_id, phone_number_id: body.phone_number_id, app_id: appId },
    });
    return getNumberForAdmin({ ctx: inner, input: { id: row.id } });
  });
}

async function exchangeCode(appId: string, appSecret: string, code: string): Promise<string> {
  let answer: { access_token?: unknown };
  try {
    answer = await graphJson<{ access_token?: unknown }>("oauth/access_token", {
      query: { client_id: appId, client_secret: appSecret, code },
      // App credentials authenticate this call; no bearer token goes with it.
      fetch: (url, init) => fetch(url, { ...init, headers: withoutAuthorization(init?.headers) }),
    });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const graphCode = error.details?.graphCode;
    const message = metaMessage(error);
    // 100: the code is malformed, expired or already used; the admin runs the signup again.
    if (graphCode === 100)
      throw new ValidationError(`Meta refused the signup code: ${message}. Run Embedded Signup again.`, {
        field: "code",
        graph_code: graphCode,
      });
    // 1 / 101: our app id or secret is wrong: a configuration problem, not the admin's input.
    if (graphCode === 1 || graphCode === 101)
      throw new ConflictError(
        `Meta refused the app credentials (the app id in Embedded Signup settings, META_APP_SECRET): ${message}`,
      );
    throw new UpstreamError(`Could not exchange the signup code with Meta: ${message}`, error.retryable, {
      cause: error,
      ...(typeof graphCode === "number" ? { details: { graph_code: graphCode } } : {}),
    });
  }
  const token = answer.access_token;
  if (typeof token !== "string" || token.length < 20)
    throw new UpstreamError("Meta's answer to the code exchange carried no usable access token", false);
  return token;
}

/** A Graph call after the exchange: any failure is Meta's, reported as a 502 saying which step failed. */
async function meta<T>(step: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError && !(error instanceof UpstreamError)) throw error;
    const message = error instanceof UpstreamError ? metaMessage(error) : (error as Error).message;
    throw new UpstreamError(`Could not ${step} with the new token: ${message}`, false, { cause: error });
  }
}

function metaMessage(error: UpstreamError): string {
  return error.message.replace(/^Graph API (error|request failed): /, "");
}

function withoutAuthorization(headers: HeadersInit | undefined): Headers {
  const copy = new Headers(headers);
  copy.delete("authorization");
  return copy;
}
