import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NoticeProvider } from "../hooks/use-notice";
import { notify } from "../lib/notifications";
import { NoticeToast } from "./notice-toast";
import { NotificationsSwitch } from "./notifications-switch";

/** A stand-in for the browser's Notification that records what the app asks of it. */
function installNotification(answer: NotificationPermission) {
  const shown: { title: string; body?: string; tag?: string }[] = [];
  class FakeNotification {
    static permission: NotificationPermission = "default";
    static requestPermission = vi.fn(() => {
      FakeNotification.permission = answer;
      return Promise.resolve(answer);
    });
    onclick: (() => void) | null = null;
    constructor(title: string, options?: { body?: string; tag?: string }) {
      shown.push({ title, ...options });
    }
    close() {}
  }
  vi.stubGlobal("Notification", FakeNotification);
  return { FakeNotification, shown };
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
}

function renderSwitch() {
  render(
    <NoticeProvider>
      <NoticeToast />
      <NotificationsSwitch />
    </NoticeProvider>,
  );
  return screen.getByRole("switch", { name: "Notifications" });
}

describe("NotificationsSwitch", () => {
  beforeEach(() => window.localStorage.clear());
  afterEach(() => {
    vi.unstubAllGlobals();
    setHidden(false);
  });

  it("asks the browser for permission only when turned on, never on render", async () => {
    const { FakeNotification } = installNotification("granted");
    const toggle = renderSwitch();
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
    await userEvent.click(toggle);
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(toggle.getAttribute("aria-checked")).toBe("true");
    // Off again: nothing asked.
    await userEvent.click(toggle);
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
  });

  it("stays off and says why when the browser refuses", async () => {
    installNotification("denied");
    const toggle = renderSwitch();
    await userEvent.click(toggle);
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    expect(screen.getByRole("alert").textContent).toContain("blocked");
  });

  it("raises a notification only when on and the tab is hidden", async () => {
    const { shown } = installNotification("granted");
    const toggle = renderSwitch();
    setHidden(true);
    expect(notify("alice mentioned you", { body: "hi @bob", tag: "m1" })).toBeNull();
    await userEvent.click(toggle);
    setHidden(false);
    expect(notify("alice mentioned you", { body: "hi @bob", tag: "m1" })).toBeNull();
    setHidden(true);
    expect(notify("alice mentioned you", { body: "hi @bob", tag: "m1" })).not.toBeNull();
    expect(shown).toEqual([{ title: "alice mentioned you", body: "hi @bob", tag: "m1" }]);
  });
});
