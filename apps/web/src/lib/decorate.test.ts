import { describe, expect, it } from "vitest";
import { decorate, searchWords } from "./decorate";
import { completeMention, mentionAt } from "./mention-query";

describe("decorate", () => {
  it("marks whole searched words only, case-insensitively", () => {
    expect(decorate("Zebras, zebra! ZEBRA", { words: searchWords("zebra") })).toEqual([
      { kind: "text", text: "Zebras, " },
      { kind: "mark", text: "zebra" },
      { kind: "text", text: "! " },
      { kind: "mark", text: "ZEBRA" },
    ]);
  });

  it("keeps links whole and finds mentions of members only", () => {
    const runs = decorate("see https://x.io/@bob @bob @eve", { mentions: ["bob"], me: "bob" });
    expect(runs).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://x.io/@bob", href: "https://x.io/@bob" },
      { kind: "text", text: " " },
      { kind: "mention", text: "@bob", me: true },
      { kind: "text", text: " @eve" },
    ]);
  });

  it("reads a search as words, whatever its punctuation", () => {
    expect(searchWords(`"Quarterly" & report:  ZEBRA!`)).toEqual(["quarterly", "report", "zebra"]);
    expect(searchWords(`"&|!`)).toEqual([]);
  });
});

describe("mention under the caret", () => {
  it("is an @ at a word's start up to the caret", () => {
    expect(mentionAt("hi @bo", 6)).toEqual({ start: 3, end: 6, prefix: "bo" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, end: 1, prefix: "" });
    expect(mentionAt("mail a@bo", 9)).toBeNull();
    expect(mentionAt("hi @bo there", 12)).toBeNull();
  });

  it("completes to the name and a space, caret after it", () => {
    const text = "hi @bo, ok";
    const query = mentionAt(text, 6)!;
    expect(completeMention(text, query, "bob")).toEqual({ text: "hi @bob , ok", caret: 8 });
    expect(completeMention("@be", mentionAt("@be", 3)!, "bella")).toEqual({ text: "@bella ", caret: 7 });
  });
});
