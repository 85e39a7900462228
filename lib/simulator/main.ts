// `npm run sim`: the simulator alone. Flags: --port --app-url --secret --token --numbers '<json>' --empty
import { parseArgs } from "node:util";
import { startSimulator } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "app-url": { type: "string" },
    secret: { type: "string" },
    token: { type: "string" },
    numbers: { type: "string" },
    empty: { type: "boolean", default: false },
  },
});

// Not app code: reading process.env here is fine (STYLE.md §4.6 applies to the app).
const env = process.env;
const DEMO_NUMBERS = [
  {
    wabaId: "200000000000001",
    phoneNumberId: "100000000000001",
    displayNumber: "15550100001",
    coexistence: true,
  },
];

const sim = await startSimulator({
  port: Number(values.port ?? env.SIMULATOR_PORT ?? 3100),
  host: values.host ?? "127.0.0.1",
  appWebhookUrl:
    values["app-url"] ?? env.SIM_APP_WEBHOOK_URL ?? "http://127.0.0.1:3000/api/webhooks/whatsapp",
  appSecret: values.secret ?? env.META_APP_SECRET ?? "dev-app-secret",
  accessToken: values.token ?? env.SIM_ACCESS_TOKEN ?? "simulator-token",
  numbers: values.numbers ? (JSON.parse(values.numbers) as typeof DEMO_NUMBERS) : DEMO_NUMBERS,
  // Human pace for the page: ticks appear one by one.
  config: { statusStepMs: 700, templateReviewMs: 5000 },
});

if (!values.empty) {
  sim.state.addCustomer({ name: "Kerry Fisher", phone: "16315551181" });
  sim.state.addCustomer({ name: "Noor", username: "noor.designs" });
  sim.state.addCustomer({
    name: "Lena Müller",
    phone: "4915112345678",
    parentBsuid: "DE.ENT.11815799212886844830",
  });
}

console.log(`Cloud API simulator on ${sim.url}  (GRAPH_API_BASE=${sim.url})`);
console.log(`  webhooks → ${sim.state.opts.appWebhookUrl}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void sim.stop().then(() => process.exit(0)));
}
