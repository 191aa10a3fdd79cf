import { useEffect, useRef, useState, type KeyboardEvent } from "react";

type MemberActionsProps = {
  username: string;
  roleChange: "admin" | "member" | null;
  canRemove: boolean;
  onRole: (role: "admin" | "member") => void;
  /** Asks to remove them (the panel confirms first). */
  onRemove: () => void;
};

/** Three dots in a row. Decorative (the button has its own name). */
const MoreIcon = () => (
  <svg width="1em" height="1em" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">
    <circle cx="5" cy="12" r="1.8" />
    <circle cx="12" cy="12" r="1.8" />
    <circle cx="19" cy="12" r="1.8" />
  </svg>
);

/**
 * "More actions for <username>": one small button per member row, opening a menu with what
 * the caller may do to them ("Make admin" or "Make member", "Remove <username>", which the
 * member list confirms before it removes). Arrow keys move between the items; Escape, Tab or a click elsewhere closes the menu and
 * the focus goes back to the button.
 */
export function MemberActions({ username, roleChange, canRemove, onRole, onRemove }: MemberActionsProps) {
  const [open, setOpen] = useState<"menu" | null>(null);
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

  if (!roleChange && !canRemove) return null;

  function close() {
    setOpen(null);
    buttonRef.current?.focus();
  }

  function onMenuKey(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (event.key === "Tab") {
      setOpen(null);
    }
  }

  const menuId = `member-menu-${username}`;
  return (
    <div className="member-more">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button icon-button-sm"
        aria-label={`More actions for ${username}`}
        title="More actions"
        aria-haspopup="menu"
        aria-expanded={open === "menu"}
        aria-controls={open === "menu" ? menuId : undefined}
        onClick={() => setOpen(open === "menu" ? null : "menu")}
      >
        <MoreIcon />
      </button>
      {open === "menu" ? (
        <div ref={menuRef} id={menuId} className="member-menu" role="menu" aria-label={`Actions for ${username}`} onKeyDown={onMenuKey}>
          {roleChange ? (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                close();
                onRole(roleChange);
              }}
            >
              {roleChange === "admin" ? "Make admin" : "Make member"}
            </button>
          ) : null}
          {canRemove ? (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="member-menu-danger"
              aria-label={`Remove ${username}`}
              onClick={() => {
                setOpen(null);
                onRemove();
              }}
            >
              Remove from channel
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
