import { describe, expect, it } from "vitest";
import { linkify } from "./linkify";

describe("linkify", () => {
  it("leaves text without addresses alone", () => {
    expect(linkify("<b>hi</b> there")).toEqual([{ kind: "text", text: "<b>hi</b> there" }]);
  });

  it("finds http and https links between text", () => {
    expect(linkify("see https://example.com/a?b=1 and http://x.org")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: " and " },
      { kind: "link", text: "http://x.org", href: "http://x.org" },
    ]);
  });

  it("drops sentence punctuation after an address but keeps balanced parentheses", () => {
    expect(linkify("go to https://example.com.")[1]).toEqual({ kind: "link", text: "https://example.com", href: "https://example.com" });
    expect(linkify("https://en.wikipedia.org/wiki/Foo_(bar)")[0]).toMatchObject({ href: "https://en.wikipedia.org/wiki/Foo_(bar)" });
    expect(linkify("(https://example.com)")[1]).toMatchObject({ href: "https://example.com" });
  });

  it("never links other schemes", () => {
    expect(linkify("javascript:alert(1) data:text/html,x")).toEqual([
      { kind: "text", text: "javascript:alert(1) data:text/html,x" },
    ]);
  });

  it("gives back the input when joined", () => {
    const input = "a https://b.c/d, e (https://f.g) h";
    expect(linkify(input).map((p) => p.text).join("")).toBe(input);
  });
});
