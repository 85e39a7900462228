import { and, asc, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { conversations, media, messages, phoneNumbers } from "@/lib/db/schema";

export type MediaRow = typeof media.$inferSelect;

/** A media row with what a download or a read needs: the message's kind, its conversation and number. */
export type MediaWithMessage = MediaRow & {
  kind: string;
  conversationId: string;
  metaPhoneNumberId: string;
};

export async function insertMedia(
  db: DbOrTx,
  row: {
    messageId: string;
    metaMediaId: string;
    mimeType: string | null;
    sha256: string | null;
    filename: string | null;
  },
): Promise<string | null> {
  const [inserted] = await db
    .insert(media)
    .values(row)
    .onConflictDoNothing({ target: media.messageId })
    .returning({ id: media.id });
  return inserted?.id ?? null;
}

export async function selectMediaWithMessage(db: DbOrTx, id: string): Promise<MediaWithMessage | undefined> {
  const [row] = await db
    .select({
      m: media,
      kind: messages.type,
      conversationId: messages.conversationId,
      metaPhoneNumberId: phoneNumbers.phoneNumberId,
    })
    .from(media)
    .innerJoin(messages, eq(messages.id, media.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.phoneNumberId))
    .where(eq(media.id, id))
    .limit(1);
  return row
    ? {
        ...row.m,
        kind: row.kind,
        conversationId: row.conversationId,
        metaPhoneNumberId: row.metaPhoneNumberId,
      }
    : undefined;
}

/** Counts an attempt on a row that is still pending; undefined when another run already settled it. */
export async function countAttempt(db: DbOrTx, id: string): Promise<number | undefined> {
  const [row] = await db
    .update(media)
    .set({ attempts: sql`${media.attempts} + 1` })
    .where(and(eq(media.id, id), eq(media.state, "pending")))
    .returning({ attempts: media.attempts });
  return row?.attempts;
}

/** Moves a pending row to its final state; false when it was no longer pending (a concurrent run won). */
export async function settleMedia(
  db: DbOrTx,
  id: string,
  patch:
    | {
        state: "stored";
        storageKey: string;
        mimeType: string;
        fileSize: number;
      }
    | {
        state: "unavailable" | "too_large";
        error: string;
        fileSize?: number | null;
        mimeType?: string | null;
      },
): Promise<boolean> {
  const values =
    patch.state === "stored"
      ? { ...patch, error: null, storedAt: new Date() }
      : {
          state: patch.state,
          error: patch.error,
          ...(patch.fileSize != null ? { fileSize: patch.fileSize } : {}),
          ...(patch.mimeType ? { mimeType: patch.mimeType } : {}),
        };
  const rows = await db
    .update(media)
    .set(values)
    .where(and(eq(media.id, id), eq(media.state, "pending")))
    .returning({ id: media.id });
  return rows.length > 0;
}

export async function selectPendingMediaIds(
  db: DbOrTx,
  params: { olderThanMs: number; limit: number },
): Promise<string[]> {
  const rows = await db
    .select({ id: media.id })
    .from(media)
    .where(
      and(
        eq(media.state, "pending"),
        lt(media.createdAt, sql`now() - make_interval(secs => ${params.olderThanMs / 1000})`),
      ),
    )
    .orderBy(asc(media.createdAt))
    .limit(params.limit);
  return rows.map((r) => r.id);
}
