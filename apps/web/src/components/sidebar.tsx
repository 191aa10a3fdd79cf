import { useEffect, useMemo, useState } from "react";
import { useMe, useSession } from "../hooks/use-session";
import { useRooms } from "../hooks/use-rooms";
import { messageOf } from "../lib/errors";
import { splitRooms } from "../lib/room-list";
import { AccountMenu } from "./account-menu";
import { setTitleCount } from "../lib/title";
import { totalUnread } from "../lib/unread";
import { Avatar } from "./avatar";
import { BrowseChannelsDialog } from "./browse-channels-dialog";
import { CreateChannelDialog } from "./create-channel-dialog";
import { HashIcon, LogoMark, LogoutIcon, PlusIcon } from "./icons";
import { NewMessageDialog } from "./new-message-dialog";
import { NotificationsSwitch } from "./notifications-switch";
import { SearchBox } from "./search-box";
import { RoomList } from "./room-list";

/**
 * Brand, the rooms you are in ("Channels" with "Create channel" and "Browse channels", then
 * "Direct messages" with "New message") and who you are (with "Log out"). The two lists sit in
 * one navigation named "Rooms", the name the app's first version gave its single list. Channels
 * you are not in are found through "Browse channels", so the sidebar stays as long as your own
 * list however many channels there are.
 */
export function Sidebar({ activeRoomId }: { activeRoomId: string | null }) {
  const me = useMe();
  const session = useSession();
  const rooms = useRooms();
  const [logoutError, setLogoutError] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);
  const [dialog, setDialog] = useState<"browse" | "create" | null>(null);
  const lists = useMemo(() => (rooms.data ? splitRooms(rooms.data.filter((room) => room.joined)) : null), [rooms.data]);

  // Signed in (or the app loaded) with nothing focused: the focus goes into the app, on the
  // first room of the list (an open room's composer takes it by itself), not on the page body.
  const ready = lists !== null;
  useEffect(() => {
    if (!ready || (document.activeElement && document.activeElement !== document.body)) return;
    const nav = document.querySelector<HTMLElement>(".sidebar-scroll");
    const target = nav?.querySelector<HTMLElement>("a.room-link") ?? document.querySelector<HTMLElement>(".sidebar-browse");
    target?.focus();
  }, [ready]);
  const unread = totalUnread(rooms.data);
  useEffect(() => setTitleCount(unread), [unread]);
  // Signed out (or the app restarting): no count is left in the title.
  useEffect(() => () => setTitleCount(0), []);

  async function logOut() {
    setLogoutError(null);
    try {
      await session.logOut();
    } catch (error) {
      setLogoutError(messageOf(error));
    }
  }

  return (
    <aside className="sidebar">
      <header className="sidebar-header">
        <div className="sidebar-brand">
          <LogoMark />
          <span>Parley</span>
        </div>
        <SearchBox />
      </header>
      <nav className="sidebar-scroll" aria-label="Rooms">
        {lists ? (
          <>
            <RoomList
              id="channels"
              title="Channels"
              rooms={lists.channels}
              activeRoomId={activeRoomId}
              empty="You are in no channel yet: browse them, or create one."
              action={
                <button
                  type="button"
                  className="icon-button icon-button-sm"
                  aria-label="Create channel"
                  title="Create channel"
                  aria-haspopup="dialog"
                  onClick={() => setDialog("create")}
                >
                  <PlusIcon />
                </button>
              }
            />
            <button type="button" className="sidebar-browse" aria-haspopup="dialog" onClick={() => setDialog("browse")}>
              <HashIcon />
              <span>Browse channels</span>
            </button>
            <RoomList
              id="dms"
              title="Direct messages"
              rooms={lists.dms}
              activeRoomId={activeRoomId}
              empty="Talk to one person: start with New message."
              action={
                <button
                  type="button"
                  className="icon-button icon-button-sm"
                  aria-label="New message"
                  title="New message"
                  aria-haspopup="dialog"
                  onClick={() => setComposing(true)}
                >
                  <PlusIcon />
                </button>
              }
            />
          </>
        ) : (
          <div className="room-nav-loading" aria-busy="true">
            <span className="skeleton" />
            <span className="skeleton" />
            <span className="skeleton" />
          </div>
        )}
      </nav>
      {composing ? <NewMessageDialog onClose={() => setComposing(false)} /> : null}
      {dialog === "create" ? <CreateChannelDialog onClose={() => setDialog(null)} /> : null}
      {dialog === "browse" ? <BrowseChannelsDialog rooms={rooms.data ?? []} onClose={() => setDialog(null)} /> : null}
      <div className="sidebar-me">
        <Avatar name={me.username} />
        <div className="sidebar-me-text">
          <span className="sidebar-me-name">{me.username}</span>
          <span className="sidebar-me-email">{me.email}</span>
        </div>
        <div className="sidebar-me-actions">
          <AccountMenu />
          <NotificationsSwitch />
          <button type="button" className="button button-ghost" onClick={() => void logOut()}>
            <LogoutIcon />
            <span>Log out</span>
          </button>
        </div>
      </div>
      {logoutError ? (
        <p className="form-error sidebar-error" role="alert">
          {logoutError}
        </p>
      ) : null}
    </aside>
  );
}
