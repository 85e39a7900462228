import { assertCan } from "@/lib/auth/permissions";
import { assertContactAccess } from "@/lib/contacts";
import { dbOf, type Ctx } from "@/lib/db/context";
import { selectConsentRecords } from "./queries";
import type { ContactConsentDto } from "./schemas";

/** A contact's current consent per category, WhatsApp's own preference, and the history, newest first. */
export async function getContactConsent({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { contactId: string };
}): Promise<ContactConsentDto> {
  assertCan(ctx.actor, "conversations:read");
  const db = dbOf(ctx);
  await assertContactAccess(db, ctx, input.contactId, "conversations:read");
  const records = await selectConsentRecords(db, input.contactId);
  return {
    contact_id: input.contactId,
    current: records.current,
    meta_marketing_preference: records.meta,
    history: records.history,
  };
}
