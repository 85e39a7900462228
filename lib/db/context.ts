import type { Actor } from "@/lib/auth/actor";
import { getDb, type DbOrTx, type Tx } from "./client";

/** What every verb receives: who acts, and optionally an outer transaction to join. */
export type Ctx = { actor: Actor; db?: DbOrTx };

/** Runs `fn` in the caller's transaction when there is one, so verbs compose; otherwise opens one. */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const outer = ctx.db;
  if (outer && isTransaction(outer)) return fn(outer);
  return (outer ?? getDb()).transaction(fn);
}

export function dbOf(ctx: Ctx): DbOrTx {
  return ctx.db ?? getDb();
}

function isTransaction(db: DbOrTx): db is Tx {
  return "rollback" in db;
}
