import { assertCan } from "@/lib/auth/permissions";
import { assertContactAccess } from "@/lib/contacts";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { getContactConsent } from "./get-consent";
import { recordConsentInput, type ContactConsentDto, type RecordConsentInput } from "./schemas";
import { writeConsent } from "./write-consent";

/**
 * An agent (or an API client) records an opt-in or opt-out the customer gave outside WhatsApp's own
 * signals, with an optional reason; it lands in the history, the contact's timelines and the audit log.
 */
export async function recordConsent({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RecordConsentInput;
}): Promise<ContactConsentDto> {
  assertCan(ctx.actor, "consent:write");
  const data = recordConsentInput.parse(input);
  const at = data.at ? new Date(data.at) : new Date();
  if (at.getTime() > Date.now() + 60_000)
    throw new ValidationError("at cannot be in the future", { field: "at" });
  const written = await withTransaction(ctx, async (tx) => {
    const { conversationIds } = await assertContactAccess(tx, ctx, data.contactId, "consent:write");
    return writeConsent(tx, ctx.actor, {
      contactId: data.contactId,
      category: data.category,
      state: data.state,
      source: data.source ?? (ctx.actor.type === "user" ? "agent" : "api"),
      reason: data.reason || null,
      at,
      timeline: { conversationIds, actorType: ctx.actor.type },
    });
  });
  for (const touch of written.touches) await publishConversationChanged({ ...touch, reason: "consent" });
  return getContactConsent({ ctx, input: { contactId: data.contactId } });
}
