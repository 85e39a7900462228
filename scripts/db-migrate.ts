// `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded Postgres under DATA_DIR.
import { getEnv } from "@/lib/env.js";
import { prepareDatabase } from "@/lib/runtime/database";

const database = await prepareDatabase(getEnv(), console.log);
console.log("Migrations applied.");
await database.embedded?.stop();
