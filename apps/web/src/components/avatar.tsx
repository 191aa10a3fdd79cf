import type { CSSProperties } from "react";
import "./avatar.css";

/** A stable hue for a name, so a person keeps their colour everywhere. */
export function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

/** A round badge with a user's initial in their colour. Decorative: the name is always nearby. */
export function Avatar({ name, size = "md" }: { name: string; size?: "xs" | "sm" | "md" }) {
  const initial = [...name][0]?.toUpperCase() ?? "?";
  return (
    <span className={`avatar avatar-${size}`} style={{ "--hue": hueOf(name) } as CSSProperties} aria-hidden="true">
      {initial}
    </span>
  );
}
