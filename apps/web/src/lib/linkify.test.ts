import { afterEach, describe, expect, it, vi } from "vitest";
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
    expect(linkify("javascript:alert(1) data:text/html,x")).toEqual([{ kind: "text", text: "javascript:alert(1) data:text/html,x" }]);
  });

  it("gives back the input when joined", () => {
    const input = "a https://b.c/d, e (https://f.g) h";
    expect(
      linkify(input)
        .map((p) => p.text)
        .join(""),
    ).toBe(input);
  });

  describe("work done", () => {
    afterEach(() => vi.restoreAllMocks());

    /** Characters that string methods scan while `fn` runs (each call counts its receiver's length). */
    function charactersScanned(fn: () => void): number {
      let scanned = 0;
      for (const name of ["split", "slice", "substring", "indexOf", "lastIndexOf", "includes", "match", "replace", "search"] as const) {
        const original = Reflect.get(String.prototype, name) as (this: string, ...args: unknown[]) => unknown;
        vi.spyOn(String.prototype, name).mockImplementation(function (this: string, ...args: unknown[]) {
          scanned += this.length;
          return original.apply(this, args);
        } as never);
      }
      fn();
      return scanned;
    }

    it("stays linear on an address followed by thousands of closing parentheses", () => {
      const input = `http://a${")".repeat(4_000)}`;
      let parts: ReturnType<typeof linkify> = [];
      const scanned = charactersScanned(() => {
        parts = linkify(input);
      });
      expect(parts[0]).toEqual({ kind: "link", text: "http://a", href: "http://a" });
      expect(parts.map((p) => p.text).join("")).toBe(input);
      // Recounting the parentheses for every trailing ")" scanned about 16 million characters.
      expect(scanned).toBeLessThan(4 * input.length);
    });
  });
});
