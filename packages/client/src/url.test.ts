import { describe, expect, it } from "vitest";
import { toWebSocketUrl } from "./url";

describe("toWebSocketUrl", () => {
  it("turns http(s) into ws(s) and adds /trpc once", () => {
    expect(toWebSocketUrl("http://127.0.0.1:3000")).toBe("ws://127.0.0.1:3000/trpc");
    expect(toWebSocketUrl("https://chat.example.com/")).toBe("wss://chat.example.com/trpc");
    expect(toWebSocketUrl("wss://chat.example.com/trpc")).toBe("wss://chat.example.com/trpc");
    expect(toWebSocketUrl("https://example.com/parley/")).toBe("wss://example.com/parley/trpc");
  });
});
