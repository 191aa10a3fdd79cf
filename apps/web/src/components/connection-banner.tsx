import { useEffect, useRef, useState } from "react";
import { useConnectionSnapshot } from "../hooks/use-connection";

/** A first connection that takes longer than this is worth a word too. */
const SLOW_FIRST_CONNECT_MS = 2_500;
const BACK_ONLINE_SHOWN_MS = 2_500;

/**
 * Says so when the socket is down and the client is reconnecting, and briefly when it is back;
 * and when the socket is fine but the server's database is away (sends wait and go out by
 * themselves). The live region is always in the page so screen readers announce each.
 */
export function ConnectionBanner() {
  const snapshot = useConnectionSnapshot();
  const notOpen = snapshot.state !== "open" && !snapshot.switching;
  const [slow, setSlow] = useState(false);
  const [backOnline, setBackOnline] = useState(false);
  const wasDown = useRef(false);

  useEffect(() => {
    if (!notOpen) return setSlow(false);
    const timer = setTimeout(() => setSlow(true), SLOW_FIRST_CONNECT_MS);
    return () => clearTimeout(timer);
  }, [notOpen, snapshot.epoch]);

  const socketDown = notOpen && (snapshot.hasOpened || slow);
  const databaseDown = !socketDown && snapshot.database === "unavailable";
  const down = socketDown || databaseDown;
  useEffect(() => {
    if (down) {
      wasDown.current = true;
      setBackOnline(false);
      return;
    }
    if (!wasDown.current) return;
    wasDown.current = false;
    setBackOnline(true);
    const timer = setTimeout(() => setBackOnline(false), BACK_ONLINE_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [down]);

  return (
    <div className="banner-region" role="status" aria-live="polite">
      {databaseDown ? (
        <div className="banner banner-warn">
          <span className="spinner" aria-hidden="true" />
          <span>
            <strong>Reconnecting to the database…</strong> Messages you send will go out when it is back.
          </span>
        </div>
      ) : down ? (
        <div className="banner banner-warn">
          <span className="spinner" aria-hidden="true" />
          <span>
            <strong>{snapshot.hasOpened ? "Connection lost." : "Can't reach the server yet."}</strong> Reconnecting…
            {snapshot.hasOpened ? " Messages you send will go out when it is back." : null}
          </span>
        </div>
      ) : backOnline ? (
        <div className="banner banner-ok">Back online.</div>
      ) : null}
    </div>
  );
}
