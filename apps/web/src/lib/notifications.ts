import { useSyncExternalStore } from "react";

// Browser notifications for mentions. Off until the person turns them on (the switch in the
// sidebar); only then is the browser asked for permission, never on load. The choice is kept
// per browser (localStorage); a notification needs both it and the browser's permission.

const KEY = "parley.notifications";
const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return window.localStorage.getItem(KEY) === "on";
  } catch {
    return false;
  }
}

function write(on: boolean) {
  try {
    if (on) window.localStorage.setItem(KEY, "on");
    else window.localStorage.removeItem(KEY);
  } catch {
    // Storage off (private mode): the choice lasts as long as the page.
  }
  memory = on;
  for (const listener of listeners) listener();
}

let memory: boolean | null = null;

/** Whether this browser can show notifications at all. */
export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

/** Notifications are on: chosen and permitted. */
export function notificationsOn(): boolean {
  memory ??= read();
  return memory && notificationsSupported() && Notification.permission === "granted";
}

/**
 * Turns notifications on: asks the browser for permission (this is the only place that does),
 * and says what came of it.
 */
export async function turnNotificationsOn(): Promise<"on" | "denied" | "unsupported"> {
  if (!notificationsSupported()) return "unsupported";
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    write(false);
    return "denied";
  }
  write(true);
  return "on";
}

/** Turns them off (the browser's permission stays as it is). */
export function turnNotificationsOff(): void {
  write(false);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** notificationsOn(), re-rendering when it changes. */
export function useNotificationsOn(): boolean {
  return useSyncExternalStore(subscribe, notificationsOn, () => false);
}

/**
 * Shows a notification when they are on and the tab is hidden (a visible tab shows the
 * mention itself). `tag` merges the copies several hidden tabs raise for one message.
 */
export function notify(title: string, options: { body: string; tag: string; onClick?: () => void }): Notification | null {
  if (!notificationsOn() || document.visibilityState !== "hidden") return null;
  const notification = new Notification(title, { body: options.body, tag: options.tag });
  notification.onclick = () => {
    window.focus();
    options.onClick?.();
    notification.close();
  };
  return notification;
}
