import { describe, expect, it } from "vitest";
import { describeDevice } from "./device";

describe("describeDevice", () => {
  it("names the browser, its version and the system", () => {
    expect(describeDevice("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")).toEqual(
      {
        name: "Chrome on Linux",
        browserVersion: "131.0.0.0",
      },
    );
    expect(describeDevice("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0")).toEqual({
      name: "Firefox on macOS",
      browserVersion: "128.0",
    });
    expect(
      describeDevice(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      ),
    ).toEqual({ name: "Safari on iOS", browserVersion: "17.4" });
  });

  it("falls back to the first word, or to 'Unknown device' without one", () => {
    expect(describeDevice(null)).toEqual({ name: "Unknown device", browserVersion: null });
    expect(describeDevice("parley-cli/0.1")).toEqual({ name: "parley-cli/0.1", browserVersion: null });
  });
});
