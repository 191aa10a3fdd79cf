import { useState } from "react";
import { useMe, useSession } from "../hooks/use-session";
import { useRooms } from "../hooks/use-rooms";
import { messageOf } from "../lib/errors";
import { Avatar } from "./avatar";
import { CreateRoomForm } from "./create-room-form";
import { LogoMark, LogoutIcon } from "./icons";
import { RoomList } from "./room-list";

/** Brand, the rooms, the new-room form and who you are (with "Log out"). */
export function Sidebar({ activeRoomId }: { activeRoomId: string | null }) {
  const me = useMe();
  const session = useSession();
  const rooms = useRooms();
  const [logoutError, setLogoutError] = useState<string | null>(null);

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
      <div className="sidebar-brand">
        <LogoMark />
        <span>Parley</span>
      </div>
      <div className="sidebar-scroll">
        {rooms.data ? (
          <RoomList rooms={rooms.data} activeRoomId={activeRoomId} />
        ) : (
          <div className="room-nav-loading" aria-busy="true">
            <span className="skeleton" />
            <span className="skeleton" />
            <span className="skeleton" />
          </div>
        )}
      </div>
      <CreateRoomForm />
      <div className="sidebar-me">
        <Avatar name={me.username} />
        <div className="sidebar-me-text">
          <span className="sidebar-me-name">{me.username}</span>
          <span className="sidebar-me-email">{me.email}</span>
        </div>
        <button type="button" className="button button-ghost" onClick={() => void logOut()}>
          <LogoutIcon />
          <span>Log out</span>
        </button>
      </div>
      {logoutError ? (
        <p className="form-error sidebar-error" role="alert">
          {logoutError}
        </p>
      ) : null}
    </aside>
  );
}
