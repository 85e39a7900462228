// `npm run db:seed`: seeds the demo workspace into an empty database and prints its logins.
import { getEnv, setRuntimeEnv } from "@/lib/env.js";
import { closeDb } from "@/lib/db/client";
import { seedDemo } from "@/lib/db/seed";
import { prepareDatabase } from "@/lib/runtime/database";

const database = await prepareDatabase(getEnv(), console.log);
setRuntimeEnv({ DATABASE_URL: database.url });
const logins = await seedDemo();
if (!logins) console.log("The database already has users: nothing seeded.");
else for (const l of logins) console.log(`${l.role.padEnd(10)} ${l.email.padEnd(28)} ${l.password}`);
await closeDb();
await database.embedded?.stop();
