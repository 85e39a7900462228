import js from "@eslint/js";
// @ts-expect-error -- the plugin ships no types
import drizzle from "eslint-plugin-drizzle";
import tseslint from "typescript-eslint";

// Import boundaries from STYLE.md §3: a broken rule fails CI.
const noDb = {
  group: ["@/lib/db", "@/lib/db/*", "**/lib/db", "**/lib/db/*"],
  message: "Routes and UI never touch the database: call a lib/<domain> verb.",
};
const serverOnly = {
  // An allowlist: everything under lib/ is server code except these client-safe modules.
  regex: "^(@/|(\\.\\./)+)lib/(?!client/|utils/|realtime/events$|[^/]+/schemas$)",
  message: "Components may import lib/client, lib/<domain>/schemas, lib/realtime/events and lib/utils only.",
};
const noSimulator = {
  group: ["@/lib/simulator/**", "**/simulator/**"],
  message: "The app never imports the simulator (only server.ts in demo mode and e2e/).",
};

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      ".test-data/**",
      "drizzle/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      "lib/simulator/page/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        fetch: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        ReadableStream: "readonly",
        Response: "readonly",
        Request: "readonly",
        Headers: "readonly",
      },
    },
    plugins: { drizzle },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx", "getDb()"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx", "getDb()"] }],
      // lib/env.js is the only reader of process.env (STYLE.md habit 6).
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env.js." },
      ],
    },
  },
  // Test and benchmark harnesses configure child processes; they are not app code.
  {
    files: [
      "lib/env.js",
      "lib/simulator/**",
      "e2e/**",
      "tests/**",
      "**/*.test.ts",
      "playwright.config.ts",
      "bench/**",
      "scripts/test-all.mjs",
      "scripts/ensure-build.mjs",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  { files: ["app/**"], rules: { "no-restricted-imports": ["error", { patterns: [noDb, noSimulator] }] } },
  {
    files: ["components/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [noDb, serverOnly] }] },
  },
  {
    files: ["lib/whatsapp/**"],
    ignores: ["lib/whatsapp/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ ...noDb, message: "lib/whatsapp is a pure boundary: no database." }] },
      ],
    },
  },
  {
    files: ["lib/**"],
    // Tests may drive the simulator's payload builders; app code never may.
    ignores: ["lib/simulator/**", "**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [noSimulator] }] },
  },
  {
    files: ["lib/simulator/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/*", "../*"], message: "The simulator imports nothing from the app." }] },
      ],
    },
  },
);
