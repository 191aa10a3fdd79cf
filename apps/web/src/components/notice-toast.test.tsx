import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { NoticeProvider, useNotice } from "../hooks/use-notice";
import { NoticeToast } from "./notice-toast";

function Trigger() {
  const { notify } = useNotice();
  return (
    <button type="button" onClick={() => notify("You were removed from #secret by alice")}>
      Remove me
    </button>
  );
}

describe("NoticeToast", () => {
  it("shows a notice as an alert until it is dismissed", async () => {
    render(
      <NoticeProvider>
        <NoticeToast />
        <Trigger />
      </NoticeProvider>,
    );
    expect(screen.queryByRole("alert")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Remove me" }));
    expect(screen.getByRole("alert").textContent).toContain("You were removed from #secret by alice");
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
