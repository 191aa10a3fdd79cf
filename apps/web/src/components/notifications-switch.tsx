import { useState } from "react";
import { useNotice } from "../hooks/use-notice";
import { turnNotificationsOff, turnNotificationsOn, useNotificationsOn } from "../lib/notifications";
import { BellIcon } from "./icons";

/**
 * "Notifications": a switch that turns browser notifications of mentions on and off. Turning
 * it on is the one moment the browser is asked for permission; a refusal is said in a notice.
 */
export function NotificationsSwitch() {
  const on = useNotificationsOn();
  const [busy, setBusy] = useState(false);
  const { notify } = useNotice();

  async function toggle() {
    if (busy) return;
    if (on) return turnNotificationsOff();
    setBusy(true);
    try {
      const result = await turnNotificationsOn();
      if (result === "denied") notify("Notifications are blocked for this site in the browser's settings.");
      if (result === "unsupported") notify("This browser cannot show notifications.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-label="Notifications"
      title={on ? "Notifications of mentions are on" : "Turn on notifications of mentions"}
      className={`icon-button notifications-switch${on ? " is-on" : ""}`}
      onClick={() => void toggle()}
    >
      <BellIcon />
    </button>
  );
}
