import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Room } from "@parley/client";
import { useStoreRoom } from "../hooks/use-rooms";
import { historyKey } from "../hooks/use-room-history";
import { messageOf } from "../lib/errors";
import { followLink } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { BackIcon } from "./icons";

/** The room's name and size, with "Join" or "Leave" (exactly one of them). */
export function RoomHeader({ room }: { room: Room }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const storeRoom = useStoreRoom();
  const [error, setError] = useState<string | null>(null);

  const join = useMutation(
    trpc.room.join.mutationOptions({
      onSuccess: (joined) => storeRoom(joined),
      onError: (err) => setError(messageOf(err)),
    }),
  );
  const leave = useMutation(
    trpc.room.leave.mutationOptions({
      onSuccess() {
        storeRoom({ ...room, joined: false, memberCount: Math.max(0, room.memberCount - 1) });
        // What a non-member cannot read is not kept either; joining again reads it afresh.
        queryClient.removeQueries({ queryKey: historyKey(room.id) });
      },
      onError: (err) => setError(messageOf(err)),
    }),
  );
  const busy = join.isPending || leave.isPending;

  return (
    <header className="room-header">
      <a href="/" className="icon-button room-back" onClick={followLink} aria-label="All rooms" title="All rooms">
        <BackIcon />
      </a>
      <div className="room-title">
        <h1 id="room-title">
          <span className="room-title-hash" aria-hidden="true">
            #
          </span>
          {room.name}
        </h1>
        <p className="room-subtitle">
          {room.memberCount} {room.memberCount === 1 ? "member" : "members"}
          <span aria-hidden="true"> · </span>
          created by {room.createdBy.username}
        </p>
      </div>
      {error ? (
        <p className="field-error room-header-error" role="alert">
          {error}
        </p>
      ) : null}
      {room.joined ? (
        <button
          type="button"
          className="button button-secondary"
          aria-disabled={busy || undefined}
          onClick={() => {
            if (busy) return;
            setError(null);
            leave.mutate({ roomId: room.id });
          }}
        >
          Leave
        </button>
      ) : (
        <button
          type="button"
          className="button button-primary"
          aria-disabled={busy || undefined}
          onClick={() => {
            if (busy) return;
            setError(null);
            join.mutate({ roomId: room.id });
          }}
        >
          Join
        </button>
      )}
    </header>
  );
}
