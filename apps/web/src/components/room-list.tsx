import type { Room } from "@parley/client";
import { followLink, roomPath } from "../lib/router";

/**
 * The "Rooms" navigation. Each link's accessible name is exactly the room's name; the member
 * count and the not-joined mark are decoration for sighted users.
 */
export function RoomList({ rooms, activeRoomId }: { rooms: Room[]; activeRoomId: string | null }) {
  return (
    <nav className="room-nav" aria-labelledby="rooms-heading">
      <h2 id="rooms-heading" className="sidebar-heading">
        Rooms
      </h2>
      {rooms.length === 0 ? <p className="room-nav-empty">No rooms yet. Create the first one below.</p> : null}
      <ul className="room-list" aria-labelledby="rooms-heading">
        {rooms.map((room) => (
          <li key={room.id}>
            <a
              href={roomPath(room.id)}
              onClick={followLink}
              className={`room-link${room.joined ? " is-joined" : ""}`}
              aria-current={room.id === activeRoomId ? "page" : undefined}
            >
              <span className="room-link-hash" aria-hidden="true">
                #
              </span>
              <span className="room-link-name">{room.name}</span>
              <span className="room-link-meta" aria-hidden="true">
                {room.joined ? room.memberCount : ""}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
