// The only module that reads process.env. Plain JS so next.config.mjs, server.ts and scripts can all load it.
import { z } from "zod";

const flag = z
  .enum(["0", "1", "true", "false", "yes", "no", "on", "off"], {
    error: "must be one of 0, 1, true, false, yes, no, on, off",
  })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const port = z.coerce
  .number({ error: "must be a port number" })
  .int("must be an integer")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  PORT: port.default(3000),
  ROLE: z.enum(["all", "web", "worker"], { error: "must be one of all, web, worker" }).default("all"),
  META_APP_SECRET: z.string().min(8, "must be at least 8 characters").optional(),
  META_VERIFY_TOKEN: z.string().min(8, "must be at least 8 characters").optional(),
  GRAPH_API_BASE: z.url({ error: "must be an absolute http(s) URL" }).optional(),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like "v25.0"')
    .default("v25.0"),
  /** Cloud API bearer token; optional against a loopback simulator (lib/whatsapp/client.ts). */
  META_ACCESS_TOKEN: z.string().min(1).optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SEED_DEMO: flag.optional(),
  /** Where new media files go: local disk under DATA_DIR/media, or S3-compatible storage (default when S3_BUCKET is set). */
  MEDIA_STORAGE: z.enum(["local", "s3"], { error: "must be one of local, s3" }).optional(),
  S3_BUCKET: z.string().min(1).optional(),
  /** For MinIO, R2 and other S3-compatible services; unset means AWS. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** bucket in the path (http://host/bucket/key) rather than the host name; most self-hosted services need it. */
  S3_FORCE_PATH_STYLE: flag.default(false),
  SIMULATOR_PORT: port.default(3100),
  /** Webhook bodies above this are refused with 413 before being buffered (Meta's max is 3 MB). */
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(3 * 1024 * 1024),
  /** Applied webhook bodies are kept this long for replay after a restore, then purged (lib/retention). */
  WEBHOOK_EVENTS_RETENTION_HOURS: z.coerce
    .number()
    .positive("must be more than 0")
    .default(30 * 24),
  /** Settled outbound webhook deliveries (the integrations' delivery log) are kept this long, then purged. */
  WEBHOOK_DELIVERIES_RETENTION_DAYS: z.coerce.number().positive("must be more than 0").default(30),
  /**
   * Sign-in attempts are kept this long. The purge never goes below the throttle's 15-minute window
   * (lib/retention/logs.ts clamps it), and the audit log keeps its own record of each attempt.
   */
  SIGN_IN_ATTEMPTS_RETENTION_DAYS: z.coerce.number().positive("must be more than 0").default(30),
  /** pg-boss moves completed jobs from its job table to its archive after this (at least 60: its cron needs it). */
  JOBS_ARCHIVE_AFTER_SECONDS: z.coerce.number().int().min(60, "must be at least 60").default(3600),
  /** ...and deletes archived jobs after this. */
  JOBS_DELETE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 3600),
});

const validated = schema
  .superRefine((env, ctx) => {
    if (env.MEDIA_STORAGE === "s3" && !env.S3_BUCKET)
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required when MEDIA_STORAGE=s3" });
    if (!env.S3_BUCKET) return;
    for (const name of /** @type {const} */ (["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]))
      if (!env[name])
        ctx.addIssue({ code: "custom", path: [name], message: "is required when S3_BUCKET is set" });
  })
  .transform((env) => ({
    ...env,
    MEDIA_STORAGE: env.MEDIA_STORAGE ?? (env.S3_BUCKET ? "s3" : "local"),
  }));

/** @typedef {z.infer<typeof validated>} Env */

/**
 * Validate an environment. Empty strings count as unset, like most .env tooling.
 * @param {Record<string, string | undefined>} source
 * @returns {{ ok: true, env: Env } | { ok: false, message: string }}
 */
export function parseEnv(source) {
  /** @type {Record<string, string>} */
  const cleaned = {};
  for (const key of Object.keys(schema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== "") cleaned[key] = value;
  }
  const result = validated.safeParse(cleaned);
  if (result.success) return { ok: true, env: result.data };
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    const got = cleaned[name] === undefined ? "" : ` (got ${JSON.stringify(redact(name, cleaned[name]))})`;
    return `${name} ${issue.message}${got}`;
  });
  return { ok: false, message: `Invalid environment: ${problems.join("; ")}` };
}

/** @type {Env | undefined} */
let cached;

/** The validated environment; on a bad value prints one line naming the variable and exits. */
export function getEnv() {
  if (cached) return cached;
  const result = parseEnv(process.env);
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  cached = result.env;
  return cached;
}

/**
 * Values resolved at start-up (embedded Postgres URL, generated demo secrets) are written back to
 * process.env so every module graph in this process, including Next's bundled route handlers, sees them.
 * @param {Partial<Record<keyof Env, string>>} values
 */
export function setRuntimeEnv(values) {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) process.env[key] = value;
  }
  cached = undefined;
  return getEnv();
}

/** Environment a child process (simulator, migrations) should inherit. */
export function childProcessEnv() {
  return { ...process.env };
}

/**
 * @param {string} name
 * @param {string | undefined} value
 */
function redact(name, value) {
  return /SECRET|TOKEN|PASSWORD|DATABASE_URL/.test(name) ? "***" : value;
}
