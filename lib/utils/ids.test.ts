import { describe, expect, it } from "vitest";
import { containsPattern, isUuid } from "./ids";

describe("isUuid", () => {
  it("accepts uuids in either case and refuses what Postgres would reject as a uuid", () => {
    expect(isUuid("0f8fad5b-d9cb-469f-a165-70867728950e")).toBe(true);
    expect(isUuid("0F8FAD5B-D9CB-469F-A165-70867728950E")).toBe(true);
    // 36 characters of hex and dashes is not enough: these used to reach Postgres and fail there.
    expect(isUuid("-".repeat(36))).toBe(false);
    expect(isUuid("0f8fad5bd9cb469fa16570867728950e----")).toBe(false);
    expect(isUuid("0f8fad5b-d9cb-469f-a165-70867728950")).toBe(false);
  });
});

describe("containsPattern", () => {
  it("wraps text for LIKE with %, _ and \\ taken literally", () => {
    expect(containsPattern("ab")).toBe("%ab%");
    expect(containsPattern("100%_off\\")).toBe("%100\\%\\_off\\\\%");
  });
});
