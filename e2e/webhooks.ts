import crypto from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import type { E2EState } from "./state";

export const DEMO_WABA = "200000000000001";
export const DEMO_PHONE_NUMBER_ID = "100000000000001";

export function textMessageWebhook(input: {
  name: string;
  phone?: string;
  bsuid: string;
  text: string;
  wamid?: string;
}) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: DEMO_WABA,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550100001", phone_number_id: DEMO_PHONE_NUMBER_ID },
              contacts: [
                {
                  profile: { name: input.name },
                  ...(input.phone ? { wa_id: input.phone } : {}),
                  user_id: input.bsuid,
                },
              ],
              messages: [
                {
                  ...(input.phone ? { from: input.phone } : {}),
                  from_user_id: input.bsuid,
                  id: input.wamid ?? `wamid.e2e${crypto.randomBytes(10).toString("hex")}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

/** POSTs a body signed the way Meta signs it (HMAC-SHA256 of the exact bytes with the app secret). */
export async function postWebhook(
  request: APIRequestContext,
  state: E2EState,
  body: string,
  secret = state.secret,
) {
  const signature = `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
  return request.post(`${state.baseURL}/api/webhooks/whatsapp`, {
    data: body,
    headers: { "content-type": "application/json", "x-hub-signature-256": signature },
  });
}
