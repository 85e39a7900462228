import { deleteConsentKeyword } from "@/lib/consent";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Deletes an added keyword, or restores a changed built-in one to its default. */
export const DELETE = route<{ keyword: string }>(async (_req, { actor, params }) =>
  deleteConsentKeyword({ ctx: { actor }, input: { keyword: decoded(params.keyword) } }),
);

// A keyword may hold spaces or accents; tolerate a param that arrives encoded or already decoded.
function decoded(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}
