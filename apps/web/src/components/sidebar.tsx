import { useEffect, useMemo, useState } from "react";
import { useMe, useSession } from "../hooks/use-session";
import { useRooms } from "../hooks/use-rooms";
import { messageOf } from "../lib/errors";
import { splitRooms } from "../lib/room-list";
import { AccountMenu } from "./account-menu";
import { setTitleCount } from "../lib/title";
import { totalUnread } from "../lib/unread";
import { Avatar } from "./avatar";
import { CreateRoomForm } from "./create-room-form";
import { LogoMark, LogoutIcon, PlusIcon } from "./icons";
import { NewMessageDialog } from "./new-message-dialog";
import { NotificationsSwitch } from "./notifications-switch";
import { SearchBox } from "./search-box";
import { RoomList } from "./room-list";

/**
 * Brand, the rooms ("Channels", then "Direct messages" with "New message"), the new-room form
 * and who you are (with "Log out"). The two lists sit in one navigation named "Rooms", the
 * name the app's first version gave its single list.
 */
export function Sidebar({ activeRoomId }: { activeRoomId: string | null }) {
  const me = useMe();
  const session = useSession();
  const rooms = useRooms();
  const [logoutError, setLogoutError] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);
  const lists = useMemo(() => (rooms.data ? splitRooms(rooms.data) : null), [rooms.data]);
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
              empty="No channels yet. Create the first one below."
            />
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
      <CreateRoomForm />
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
