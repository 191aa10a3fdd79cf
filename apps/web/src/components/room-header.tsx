import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Room } from "@parley/client";
import { useDropMembership, useStoreRoom } from "../hooks/use-rooms";
import { historyKey } from "../hooks/use-room-history";
import { messageOf } from "../lib/errors";
import { canEditChannel } from "../lib/roles";
import { notJoined } from "../lib/room-list";
import { followLink, navigate } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { Avatar } from "./avatar";
import { BackIcon, LockIcon, PencilIcon, UsersIcon } from "./icons";
import { MembersDialog } from "./members-panel";
import { TopicEditor } from "./topic-editor";

/**
 * The room's name with its topic under it, and "Join" or "Leave" (exactly one of them; neither
 * in a direct message, which nobody leaves). On a narrow screen "Members" opens the member list,
 * which a wide one shows beside the conversation.
 */
export function RoomHeader({ room }: { room: Room }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const storeRoom = useStoreRoom();
  const dropMembership = useDropMembership();
  const [error, setError] = useState<string | null>(null);
  const [editingTopic, setEditingTopic] = useState(false);
  const [showMembers, setShowMembers] = useState(false);

  const join = useMutation(
    trpc.room.join.mutationOptions({
      onSuccess: (joined) => storeRoom(joined),
      onError: (err) => setError(messageOf(err)),
    }),
  );
  const leave = useMutation(
    trpc.room.leave.mutationOptions({
      onSuccess() {
        if (room.visibility === "private") {
          // A private channel is gone for someone outside it: back to the list.
          dropMembership(room.id);
          navigate("/", { replace: true });
          return;
        }
        storeRoom(notJoined(room));
        // What a non-member cannot read is not kept either; joining again reads it afresh.
        queryClient.removeQueries({ queryKey: historyKey(room.id) });
      },
      onError: (err) => setError(messageOf(err)),
    }),
  );
  const busy = join.isPending || leave.isPending;
  const isDm = room.kind === "dm";
  const isPrivate = !isDm && room.visibility === "private";

  return (
    <header className="room-header">
      <a href="/" className="icon-button room-back" onClick={followLink} aria-label="All rooms" title="All rooms">
        <BackIcon />
      </a>
      {isDm ? <Avatar name={room.name} /> : null}
      <div className="room-title">
        <h1 id="room-title">
          {isDm ? null : (
            <span className="room-title-hash" aria-hidden="true" title={isPrivate ? "Private channel" : undefined}>
              {isPrivate ? <LockIcon /> : "#"}
            </span>
          )}
          {room.name}
        </h1>
        {editingTopic ? (
          <TopicEditor room={room} onDone={() => setEditingTopic(false)} />
        ) : (
          <div className="room-subtitle-row">
            <p className="room-subtitle">
              {isPrivate ? <span className="sr-only">Private channel. </span> : null}
              {isDm ? (
                "Direct message"
              ) : room.topic ? (
                <span className="room-topic">{room.topic}</span>
              ) : (
                <>
                  {room.memberCount} {room.memberCount === 1 ? "member" : "members"}
                  <span aria-hidden="true"> · </span>
                  created by {room.createdBy.username}
                </>
              )}
            </p>
            {canEditChannel(room) ? (
              <button
                type="button"
                className="icon-button icon-button-sm"
                aria-label="Change topic"
                title="Change topic"
                onClick={() => setEditingTopic(true)}
              >
                <PencilIcon />
              </button>
            ) : null}
          </div>
        )}
      </div>
      {error ? (
        <p className="field-error room-header-error" role="alert">
          {error}
        </p>
      ) : null}
      {room.joined && !isDm ? (
        <button
          type="button"
          className="button button-ghost room-members-button"
          aria-haspopup="dialog"
          title="Members"
          onClick={() => setShowMembers(true)}
        >
          <UsersIcon />
          <span aria-hidden="true">{room.memberCount}</span>
          <span className="sr-only">Members</span>
        </button>
      ) : null}
      {isDm ? null : room.joined ? (
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
      {showMembers && room.joined ? <MembersDialog room={room} onClose={() => setShowMembers(false)} /> : null}
    </header>
  );
}
