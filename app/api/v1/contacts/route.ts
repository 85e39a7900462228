import { listContacts } from "@/lib/contacts";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listContacts({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);
