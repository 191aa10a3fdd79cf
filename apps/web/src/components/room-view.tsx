import { useEffect } from "react";
import { errorCode } from "@parley/client";
import { useRoom } from "../hooks/use-rooms";
import { roomLabel } from "../lib/room-list";
import { followLink } from "../lib/router";
import { setTitleBase } from "../lib/title";
import { HashIcon } from "./icons";
import { JoinedRoom } from "./joined-room";
import { RoomHeader } from "./room-header";

/** The open room: header, then either the conversation or an invitation to join. */
export function RoomView({ roomId }: { roomId: string }) {
  const room = useRoom(roomId);
  const label = room.data ? roomLabel(room.data) : null;
  // A private room the user was just removed from answers NOT_FOUND, while the cache may still
  // hold what they saw of it: the answer wins.
  const missing = errorCode(room.error) === "NOT_FOUND";

  useEffect(() => {
    if (!label) return;
    setTitleBase(`${label} · Parley`);
    return () => setTitleBase("Parley");
  }, [label]);

  if (!room.data || missing) {
    return (
      <section className="room room-placeholder">
        {missing ? (
          <div className="empty-state">
            <h1>This room doesn't exist</h1>
            <p>It may have been a typo in the address.</p>
            <a href="/" onClick={followLink} className="button button-secondary">
              See all rooms
            </a>
          </div>
        ) : (
          <div className="empty-state" aria-busy="true">
            <span className="spinner spinner-lg" aria-hidden="true" />
            <p>Opening room…</p>
          </div>
        )}
      </section>
    );
  }

  const current = room.data;
  return (
    <section className="room" aria-labelledby="room-title">
      <RoomHeader room={current} />
      {current.joined ? (
        // Keyed by membership: leaving and joining again starts history and events afresh.
        <JoinedRoom key={`joined-${current.id}`} room={current} />
      ) : (
        <div className="empty-state join-prompt">
          <span className="empty-icon" aria-hidden="true">
            <HashIcon />
          </span>
          <h2>You're not in #{current.name} yet</h2>
          <p>
            Become a member to read the conversation and take part. {current.memberCount}{" "}
            {current.memberCount === 1 ? "person is" : "people are"} here already.
          </p>
        </div>
      )}
    </section>
  );
}
