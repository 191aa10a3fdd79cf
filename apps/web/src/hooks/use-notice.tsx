import { createContext, useContext, useMemo, useState, type ReactNode } from "react";

type Notices = { notice: string | null; notify: (text: string) => void; dismiss: () => void };

const NoticeContext = createContext<Notices | null>(null);

/**
 * One notice at a time for things that happen to the user rather than because of a click
 * (removed from a room by someone): it stays until dismissed, so nobody misses it.
 */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<string | null>(null);
  const value = useMemo<Notices>(() => ({ notice, notify: setNotice, dismiss: () => setNotice(null) }), [notice]);
  return <NoticeContext.Provider value={value}>{children}</NoticeContext.Provider>;
}

/** The notice and the ways to change it, for components under <NoticeProvider>. */
export function useNotice(): Notices {
  const notices = useContext(NoticeContext);
  if (!notices) throw new Error("useNotice() needs a <NoticeProvider>");
  return notices;
}
