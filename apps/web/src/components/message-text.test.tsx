import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MessageText } from "./message-text";

describe("MessageText", () => {
  it("shows markup as text, never as elements", () => {
    const { container } = render(
      <p>
        <MessageText text={'<img src=x onerror="alert(1)"><b>bold</b><script>x()</script>'} />
      </p>,
    );
    expect(container.querySelector("img, b, script")).toBeNull();
    expect(container.textContent).toBe('<img src=x onerror="alert(1)"><b>bold</b><script>x()</script>');
  });

  it("links web addresses safely", () => {
    const { container } = render(
      <p>
        <MessageText text="docs at https://example.com/start, see?" />
      </p>,
    );
    const link = container.querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://example.com/start");
    expect(link?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(link?.getAttribute("target")).toBe("_blank");
    expect(container.textContent).toBe("docs at https://example.com/start, see?");
  });
});

describe("MessageText mentions", () => {
  it("highlights the members a message mentions, the reader's own mention most", () => {
    const { container } = render(<MessageText text="@Bob and @carl, ask @nobody or mail x@bob.com" mentions={["bob", "carl"]} me="carl" />);
    const spans = Array.from(container.querySelectorAll(".mention"));
    expect(spans.map((s) => [s.textContent, s.classList.contains("is-me")])).toEqual([
      ["@Bob", false],
      ["@carl", true],
    ]);
    expect(container.textContent).toBe("@Bob and @carl, ask @nobody or mail x@bob.com");
  });
});
