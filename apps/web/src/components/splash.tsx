import { LogoMark } from "./icons";

/** While the app asks the server who is signed in. */
export function Splash({ trouble }: { trouble: boolean }) {
  return (
    <div className="splash" aria-busy="true">
      <LogoMark size={44} />
      <p>{trouble ? "Can't reach the server yet. Still trying…" : "Connecting…"}</p>
    </div>
  );
}
