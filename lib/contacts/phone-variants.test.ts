import { describe, expect, it } from "vitest";
import { phoneVariants } from "./phone-variants";

describe("phoneVariants", () => {
  it("pairs a Brazilian mobile with and without the ninth digit", () => {
    expect(phoneVariants("5511987654321")).toEqual(["5511987654321", "551187654321"]);
    expect(phoneVariants("551187654321")).toEqual(["551187654321", "5511987654321"]);
  });

  it("leaves Brazilian landlines and other countries alone", () => {
    expect(phoneVariants("551132654321")).toEqual(["551132654321"]);
    expect(phoneVariants("+44 7700 900123")).toEqual(["447700900123"]);
    expect(phoneVariants("")).toEqual([]);
  });
});
