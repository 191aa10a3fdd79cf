import { LogoMark } from "./icons";

/**
 * While the app asks the server who is signed in (or loads a screen): the same frame index.html
 * paints before the script runs, so the page does not move when React takes over.
 */
export function Splash({ trouble }: { trouble: boolean }) {
  return (
    <div className="shell" aria-busy="true">
      <div className="shell-side">
        <div className="shell-brand">
          <LogoMark />
          Parley
        </div>
        <div className="shell-bar" />
        <div className="shell-bar" />
        <div className="shell-bar" />
      </div>
      <div className="shell-main">
        <p role="status">{trouble ? "Can't reach the server yet. Still trying…" : "Connecting…"}</p>
      </div>
    </div>
  );
}
