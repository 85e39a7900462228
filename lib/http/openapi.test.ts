import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

const apiDir = path.resolve(import.meta.dirname, "../../app/api/v1");

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

describe("openapi.json", () => {
  it("describes every method of every /api/v1 route handler", () => {
    const paths = openApiDocument.paths as Record<string, Record<string, unknown>>;
    for (const file of routeFiles(apiDir)) {
      const route = path
        .dirname(path.relative(path.resolve(apiDir, "../../.."), file))
        .replace(/\[(\w+)\]/g, "{$1}");
      if (route === "app/api/v1/openapi.json") continue;
      const apiPath = `/${route.replace(/^app\//, "")}`;
      const source = fs.readFileSync(file, "utf8");
      for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
        if (new RegExp(`export (const|async function|function) ${method}\\b`).test(source)) {
          expect(paths[apiPath]?.[method.toLowerCase()], `${method} ${apiPath}`).toBeDefined();
        }
      }
    }
  });
});
