import { useMutation } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import type { Room } from "@parley/client";
import { useStoreRoom } from "../hooks/use-rooms";
import { messageOf } from "../lib/errors";
import { navigate, roomPath } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { Dialog } from "./dialog";
import { LockIcon } from "./icons";

/** "3 members", "1 member". */
export function memberCountLabel(count: number): string {
  return `${count} ${count === 1 ? "member" : "members"}`;
}

/** The channels whose name or topic holds every word of `search` (any case), in the list's order. */
export function matchChannels(rooms: readonly Room[], search: string): Room[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return rooms.filter(
    (room) =>
      room.kind === "channel" && words.every((word) => room.name.toLowerCase().includes(word) || room.topic.toLowerCase().includes(word)),
  );
}

/**
 * "Browse channels": every channel the reader can see (public ones, and private ones they are
 * in), found by name or topic, each with its topic and member count. A channel's name opens it
 * (to read before joining); "Join" joins and opens it. The sidebar lists joined rooms only, so
 * this is where the others are found.
 */
export function BrowseChannelsDialog({ rooms, onClose }: { rooms: readonly Room[]; onClose: () => void }) {
  const trpc = useTRPC();
  const storeRoom = useStoreRoom();
  const [search, setSearch] = useState("");
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  const found = useMemo(() => matchChannels(rooms, search), [rooms, search]);
  const join = useMutation(
    trpc.room.join.mutationOptions({
      onSuccess(room) {
        storeRoom(room);
        onClose();
        navigate(roomPath(room.id));
      },
      onError: (err) => setError(messageOf(err)),
    }),
  );
  const open = (room: Room) => {
    onClose();
    navigate(roomPath(room.id));
  };

  return (
    <Dialog title="Browse channels" subtitle="Find a channel by its name or topic." onClose={onClose}>
      <div className="browse">
        <div className="field">
          <label htmlFor={`${listId}-search`}>Search channels</label>
          <input
            id={`${listId}-search`}
            type="search"
            autoComplete="off"
            placeholder="e.g. design"
            data-autofocus
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-controls={listId}
          />
        </div>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <p className="browse-count" role="status">
          {found.length === 0
            ? search.trim()
              ? `No channel matches "${search.trim()}".`
              : "No channels yet: create the first one."
            : `${found.length} ${found.length === 1 ? "channel" : "channels"}`}
        </p>
        <ul id={listId} className="browse-list" aria-label="Channels to browse">
          {found.map((room) => (
            <li key={room.id} className="browse-item">
              <div className="browse-item-text">
                <a
                  href={roomPath(room.id)}
                  className="browse-item-name"
                  onClick={(event) => {
                    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                    event.preventDefault();
                    open(room);
                  }}
                >
                  <span aria-hidden="true" className="browse-item-mark">
                    {room.visibility === "private" ? <LockIcon /> : "#"}
                  </span>
                  {room.name}
                </a>
                <span className="browse-item-meta">
                  {memberCountLabel(room.memberCount)}
                  {room.topic ? <span className="browse-item-topic"> · {room.topic}</span> : null}
                </span>
              </div>
              {room.joined ? (
                <span className="browse-item-joined">Joined</span>
              ) : (
                <button
                  type="button"
                  className="button button-secondary button-sm"
                  aria-label={`Join ${room.name}`}
                  aria-disabled={join.isPending || undefined}
                  onClick={() => {
                    if (join.isPending) return;
                    setError(null);
                    join.mutate({ roomId: room.id });
                  }}
                >
                  Join
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
    </Dialog>
  );
}
