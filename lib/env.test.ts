import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.js";

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const result = parseEnv({});
    expect(result).toMatchObject({
      ok: true,
      env: { PORT: 3000, ROLE: "all", DATA_DIR: ".data", SIMULATOR_PORT: 3100, GRAPH_API_VERSION: "v25.0" },
    });
  });

  it.each([
    [{ PORT: "abc" }, /^Invalid environment: PORT .*"abc"/],
    [{ PORT: "70000" }, /^Invalid environment: PORT must be between 1 and 65535/],
    [{ ROLE: "cron" }, /^Invalid environment: ROLE must be one of all, web, worker/],
    [{ DATABASE_URL: "mysql://x" }, /^Invalid environment: DATABASE_URL must be a postgres/],
    [{ SEED_DEMO: "maybe" }, /^Invalid environment: SEED_DEMO must be one of/],
    [{ GRAPH_API_BASE: "not a url" }, /^Invalid environment: GRAPH_API_BASE must be an absolute/],
    [{ GRAPH_API_VERSION: "25" }, /^Invalid environment: GRAPH_API_VERSION must look like "v25.0"/],
    [
      { AUTH_SECRET: "short" },
      /^Invalid environment: AUTH_SECRET must be at least 32 characters \(got "\*\*\*"\)/,
    ],
  ])("names the variable and the problem on one line: %o", (source, pattern) => {
    const result = parseEnv(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(pattern);
    expect(result.message).not.toContain("\n");
  });

  it("keeps media on local disk unless an S3 bucket is configured", () => {
    expect(parseEnv({})).toMatchObject({ ok: true, env: { MEDIA_STORAGE: "local" } });
    const s3 = { S3_BUCKET: "tandem-media", S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret" };
    expect(parseEnv(s3)).toMatchObject({
      ok: true,
      env: { MEDIA_STORAGE: "s3", S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false },
    });
    expect(
      parseEnv({ ...s3, S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "1", S3_REGION: "auto" }),
    ).toMatchObject({
      ok: true,
      env: { S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: true, S3_REGION: "auto" },
    });
    // An explicit choice wins over the bucket: new files stay on disk, older S3 keys still read.
    expect(parseEnv({ ...s3, MEDIA_STORAGE: "local" })).toMatchObject({
      ok: true,
      env: { MEDIA_STORAGE: "local" },
    });
  });

  it.each([
    [{ MEDIA_STORAGE: "s3" }, /^Invalid environment: S3_BUCKET is required when MEDIA_STORAGE=s3$/],
    [
      { S3_BUCKET: "b", S3_ACCESS_KEY_ID: "key" },
      /^Invalid environment: S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set$/,
    ],
    [{ S3_BUCKET: "b" }, /^Invalid environment: S3_ACCESS_KEY_ID is required when S3_BUCKET is set; /],
    [{ S3_ENDPOINT: "minio:9000" }, /^Invalid environment: S3_ENDPOINT must be an absolute/],
    [{ MEDIA_STORAGE: "gcs" }, /^Invalid environment: MEDIA_STORAGE must be one of local, s3/],
  ])("refuses an incomplete S3 configuration on one line: %o", (source, pattern) => {
    const result = parseEnv(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(pattern);
  });

  it("treats empty strings as unset and parses flags", () => {
    expect(parseEnv({ PORT: "", SEED_DEMO: "0" })).toMatchObject({
      ok: true,
      env: { PORT: 3000, SEED_DEMO: false },
    });
  });
});
