import { describe, expect, it } from "vitest";
import { insertMention, mentionedIds, mentionQuery, mentionSegments } from "./mentions";

describe("mentionQuery", () => {
  it("finds the @word before the caret", () => {
    expect(mentionQuery("Hi @Be", 6)).toEqual({ start: 3, query: "Be" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
  });
  it("ignores emails and finished words", () => {
    expect(mentionQuery("mail bea@x", 10)).toBeNull();
    expect(mentionQuery("Hi @Bea ", 8)).toBeNull();
  });
});

describe("insertMention", () => {
  it("replaces the typed query with the name and a space", () => {
    const at = mentionQuery("Ask @be about it", 7)!;
    expect(insertMention("Ask @be about it", at, "Bea Agent")).toEqual({
      text: "Ask @Bea Agent  about it",
      caret: 15,
    });
  });
});

describe("mentionedIds", () => {
  it("keeps only mentions still in the text, once", () => {
    const picked = [
      { id: "1", name: "Bea Agent" },
      { id: "2", name: "Sam" },
      { id: "1", name: "Bea Agent" },
    ];
    expect(mentionedIds("cc @Bea Agent", picked)).toEqual(["1"]);
  });
});

describe("mentionSegments", () => {
  it("marks known names, longest first", () => {
    expect(mentionSegments("@Sam Supervisor and @Sam, see", ["Sam", "Sam Supervisor"])).toEqual([
      { text: "@Sam Supervisor", mention: true },
      { text: " and ", mention: false },
      { text: "@Sam", mention: true },
      { text: ", see", mention: false },
    ]);
  });
  it("treats regex characters in names literally", () => {
    expect(mentionSegments("hi @A.B", ["A.B"])).toEqual([
      { text: "hi ", mention: false },
      { text: "@A.B", mention: true },
    ]);
    expect(mentionSegments("hi @AxB", ["A.B"])).toEqual([{ text: "hi @AxB", mention: false }]);
  });
});
