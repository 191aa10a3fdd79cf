import type { ReactNode } from "react";
import type { Room } from "@parley/client";
import { followLink, roomPath } from "../lib/router";
import { mentionLabel, unreadLabel } from "../lib/unread";
import { Avatar } from "./avatar";
import { LockIcon } from "./icons";

type RoomListProps = {
  /** The heading and the navigation's name: "Channels" or "Direct messages". */
  title: string;
  id: string;
  rooms: Room[];
  activeRoomId: string | null;
  /** Said when the list is empty. */
  empty: ReactNode;
  /** A button beside the heading ("New message"). */
  action?: ReactNode;
};

/**
 * One navigation of rooms. Each link's accessible name is exactly the room's name (a dm's is the
 * other person's); the lock is decoration. No number but unread and mention counts shows
 * here (member counts are in "Browse channels"). A room with unread messages is bold with their count ("3 unread messages"), and a distinct "@"
 * badge when some of them mention the reader ("2 mentions"); the link is described by them.
 */
export function RoomList({ title, id, rooms, activeRoomId, empty, action }: RoomListProps) {
  const headingId = `${id}-heading`;
  return (
    <nav className="room-nav" aria-labelledby={headingId}>
      <div className="sidebar-heading-row">
        <h2 id={headingId} className="sidebar-heading">
          {title}
        </h2>
        {action}
      </div>
      {rooms.length === 0 ? <p className="room-nav-empty">{empty}</p> : null}
      <ul className="room-list" aria-labelledby={headingId}>
        {rooms.map((room) => {
          const unread = room.joined ? room.unreadCount : 0;
          const mentions = room.joined ? room.mentionCount : 0;
          const badgeId = `${id}-${room.id}-unread`;
          return (
            <li key={room.id}>
              <a
                href={roomPath(room.id)}
                onClick={followLink}
                className={`room-link${room.joined ? " is-joined" : ""}${unread > 0 ? " is-unread" : ""}`}
                aria-current={room.id === activeRoomId ? "page" : undefined}
                aria-label={unread > 0 ? room.name : undefined}
                aria-describedby={unread > 0 ? badgeId : undefined}
                title={room.kind === "channel" && room.visibility === "private" ? "Private channel" : undefined}
              >
                <RoomMark room={room} />
                <span className="room-link-name">{room.name}</span>
                {unread > 0 ? (
                  <span id={badgeId} className="room-badges">
                    {mentions > 0 ? (
                      <span className="room-badge is-mention" aria-label={mentionLabel(mentions)}>
                        @{mentions}
                      </span>
                    ) : null}
                    <span className="room-badge" aria-label={unreadLabel(unread)}>
                      {unread}
                    </span>
                  </span>
                ) : null}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** "#" for a public channel, a lock for a private one, the other person's initial for a dm. */
function RoomMark({ room }: { room: Room }) {
  if (room.kind === "dm") return <Avatar name={room.name} size="xs" />;
  return (
    <span className="room-link-hash" aria-hidden="true">
      {room.visibility === "private" ? <LockIcon /> : "#"}
    </span>
  );
}
