import { describe, expect, it } from "vitest";
import { completeShortcode, shortcodeAt } from "./shortcode-query";

describe("shortcodeAt", () => {
  it("finds a :shortcode of two or more characters before the caret", () => {
    expect(shortcodeAt("hi :Smi", 7)).toEqual({ start: 3, end: 7, prefix: "smi" });
    expect(shortcodeAt(":+1", 3)).toEqual({ start: 0, end: 3, prefix: "+1" });
    expect(shortcodeAt("(:tada", 6)).toEqual({ start: 1, end: 6, prefix: "tada" });
  });

  it("ignores times, smileys, a single letter and colons inside words", () => {
    expect(shortcodeAt("at 10:30", 8)).toBeNull();
    expect(shortcodeAt("ok :)", 5)).toBeNull();
    expect(shortcodeAt("x :s", 4)).toBeNull();
    expect(shortcodeAt("http://ex", 9)).toBeNull();
  });
});

describe("completeShortcode", () => {
  it("replaces the shortcode, and a closing colon, with the emoji", () => {
    expect(completeShortcode("hi :smi there", { start: 3, end: 7, prefix: "smi" }, "😄")).toEqual({ text: "hi 😄 there", caret: 5 });
    expect(completeShortcode("hi :smile: x", { start: 3, end: 7, prefix: "smi" }, "😄")).toEqual({ text: "hi 😄 x", caret: 5 });
  });
});
