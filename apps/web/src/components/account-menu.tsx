import { lazy, Suspense, useEffect, useRef, useState, type KeyboardEvent } from "react";
import "./account.css";

// Settings dialogs load when first opened: most visits never open them.
const ChangePasswordDialog = lazy(() => import("./change-password-dialog").then((m) => ({ default: m.ChangePasswordDialog })));
const SessionsDialog = lazy(() => import("./sessions-dialog").then((m) => ({ default: m.SessionsDialog })));

type Open = "menu" | "password" | "sessions" | null;

/** A person with a small gear: the account. Decorative (the button has its own name). */
const AccountIcon = () => (
  <svg
    width="1em"
    height="1em"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth={2}
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    <circle cx="10" cy="8" r="4" />
    <path d="M3 20c0-3.3 3.1-6 7-6 1.1 0 2.1.2 3 .6" />
    <circle cx="18" cy="18" r="2.5" />
    <path d="M18 14v1.5M18 20.5V22M14 18h1.5M20.5 18H22" />
  </svg>
);

/**
 * "Account": a small menu over the sidebar's footer with "Change password" and "Sessions",
 * each opening its dialog. Arrow keys move between the items, Escape or a click elsewhere
 * closes it and gives the focus back to the button.
 */
export function AccountMenu() {
  const [open, setOpen] = useState<Open>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open !== "menu") return;
    menuRef.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    function onPointerDown(event: PointerEvent) {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(null);
    }
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  function onMenuKey(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === "Escape") {
      event.preventDefault();
      setOpen(null);
      buttonRef.current?.focus();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (event.key === "Tab") {
      setOpen(null);
    }
  }

  function closeDialog() {
    setOpen(null);
    buttonRef.current?.focus();
  }

  return (
    <div className="account">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button"
        aria-label="Account"
        title="Account"
        aria-haspopup="menu"
        aria-expanded={open === "menu"}
        aria-controls={open === "menu" ? "account-menu" : undefined}
        onClick={() => setOpen(open === "menu" ? null : "menu")}
      >
        <AccountIcon />
      </button>
      {open === "menu" ? (
        <div ref={menuRef} id="account-menu" className="account-menu" role="menu" aria-label="Account" onKeyDown={onMenuKey}>
          <button type="button" role="menuitem" tabIndex={-1} onClick={() => setOpen("password")}>
            Change password
          </button>
          <button type="button" role="menuitem" tabIndex={-1} onClick={() => setOpen("sessions")}>
            Sessions
          </button>
        </div>
      ) : null}
      <Suspense fallback={null}>
        {open === "password" ? <ChangePasswordDialog onClose={closeDialog} /> : null}
        {open === "sessions" ? <SessionsDialog onClose={closeDialog} /> : null}
      </Suspense>
    </div>
  );
}
