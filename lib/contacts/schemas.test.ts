import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import { createAttributeInput, parseAttributeValue, parseInput, slugFromLabel } from "./schemas";

const select = { type: "select" as const, options: ["Free", "Pro"] };

describe("contact attribute values", () => {
  it("takes API values as typed and clears on null or empty text", () => {
    expect(parseAttributeValue({ type: "number", options: [] }, 3.5, "json")).toEqual({
      ok: true,
      value: 3.5,
    });
    expect(parseAttributeValue({ type: "number", options: [] }, "3", "json")).toMatchObject({ ok: false });
    expect(parseAttributeValue({ type: "boolean", options: [] }, "true", "json")).toMatchObject({
      ok: false,
    });
    expect(parseAttributeValue(select, "pro", "json")).toMatchObject({ ok: false });
    expect(parseAttributeValue(select, "Pro", "json")).toEqual({ ok: true, value: "Pro" });
    expect(parseAttributeValue(select, null, "json")).toEqual({ ok: true, value: null });
    expect(parseAttributeValue({ type: "text", options: [] }, "  ", "json")).toEqual({
      ok: true,
      value: null,
    });
  });

  it("converts CSV text, and refuses impossible dates", () => {
    expect(parseAttributeValue({ type: "number", options: [] }, "-12.5", "text")).toEqual({
      ok: true,
      value: -12.5,
    });
    expect(parseAttributeValue({ type: "boolean", options: [] }, "Yes", "text")).toEqual({
      ok: true,
      value: true,
    });
    expect(parseAttributeValue(select, "pro", "text")).toEqual({ ok: true, value: "Pro" });
    expect(parseAttributeValue({ type: "date", options: [] }, "2027-02-29", "text")).toEqual({
      ok: false,
      message: "must be a date like 2026-01-31",
    });
    expect(parseAttributeValue({ type: "date", options: [] }, "2028-02-29", "text")).toMatchObject({
      ok: true,
    });
  });

  it("derives slugs from labels and names the field of a bad definition", () => {
    expect(slugFromLabel("Renewal date")).toBe("renewal_date");
    expect(slugFromLabel("Café № 1")).toBe("cafe_no_1");
    expect(slugFromLabel("2nd phone")).toBe("attr_2nd_phone");
    let error: unknown;
    try {
      parseInput(createAttributeInput, { label: "Plan", type: "select", options: [], colour: "red" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({ field: "colour" });
  });
});
