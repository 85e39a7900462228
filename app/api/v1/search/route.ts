import { searchConversations } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `?q=` contacts (name, phone, username, BSUID) and message text, within the conversations you may see. */
export const GET = route(async (req, { actor }) =>
  searchConversations({
    ctx: { actor },
    // The verb validates: a missing or too short q is a 422 naming it.
    input: Object.fromEntries(req.nextUrl.searchParams) as { q: string },
  }),
);
