import { importContacts } from "@/lib/contacts";
import { readBodyCapped } from "@/lib/http/read-body";
import { route } from "@/lib/http/route";
import { PayloadTooLargeError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const MAX_CSV_BYTES = 5 * 1024 * 1024;

/** A CSV body (text/csv) with a header row: `phone` (required) and `name`. */
export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const raw = await readBodyCapped(req.body, MAX_CSV_BYTES);
  if (raw === null) throw new PayloadTooLargeError(MAX_CSV_BYTES);
  return importContacts({ ctx: { actor }, input: { numberId: params.id, csv: raw.toString("utf8") } });
});
