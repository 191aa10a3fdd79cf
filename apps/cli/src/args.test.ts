import { describe, expect, it } from "vitest";
import { parseArgs } from "./args";

describe("parseArgs", () => {
  it("takes options anywhere, in both spellings", () => {
    expect(parseArgs(["history", "--limit=5", "general", "--json", "--url", "http://h:1"])).toEqual({
      command: "history",
      positionals: ["general"],
      url: "http://h:1",
      json: true,
      help: false,
      limit: 5,
      private: false,
      reply: null,
      room: null,
    });
    expect(parseArgs(["send", "general", "yes", "--reply", "m1"])).toMatchObject({ positionals: ["general", "yes"], reply: "m1" });
    expect(parseArgs(["search", "deploy", "plan", "--room=general"])).toMatchObject({ positionals: ["deploy", "plan"], room: "general" });
    expect(parseArgs(["create", "plans", "--private"])).toMatchObject({ command: "create", positionals: ["plans"], private: true });
  });

  it("keeps '-' as a word and stops at '--'", () => {
    expect(parseArgs(["send", "general", "-"]).positionals).toEqual(["general", "-"]);
    expect(parseArgs(["send", "general", "--", "--json", "-x"]).positionals).toEqual(["general", "--json", "-x"]);
  });

  it("takes -h for --help", () => {
    expect(parseArgs(["-h"])).toMatchObject({ command: null, help: true });
  });

  it("refuses unknown options and bad values as usage errors", () => {
    expect(() => parseArgs(["rooms", "--nope"])).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parseArgs(["rooms", "-x"])).toThrow(/unknown option '-x'/);
    expect(() => parseArgs(["rooms", "--json=yes"])).toThrow(/--json takes no value/);
    expect(() => parseArgs(["history", "x", "--limit", "0"])).toThrow(/--limit must be a whole number/);
    expect(() => parseArgs(["rooms", "--url"])).toThrow(/--url needs a value/);
  });
});
