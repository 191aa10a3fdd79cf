import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { Member, Room } from "@parley/client";
import { useOpenDm } from "../hooks/use-rooms";
import { useMe } from "../hooks/use-session";
import { messageOf } from "../lib/errors";
import { canAddPeople, canRemove, roleChange, roleName } from "../lib/roles";
import { roomLabel } from "../lib/room-list";
import { useTRPC } from "../lib/trpc";
import { Avatar } from "./avatar";
import { Dialog } from "./dialog";
import { ChatIcon, PlusIcon } from "./icons";
import { PeoplePicker } from "./people-picker";
import "./members-dialog.css";

/**
 * Who is in the room, with their roles. The owner and admins add people ("Add people", a
 * search as you type) and remove them; the owner makes admins. A member's name offers a
 * direct message. Live: the room's events refresh the list while it is open.
 */
export function MembersDialog({ room, onClose }: { room: Room; onClose: () => void }) {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const membersKey = trpc.room.members.queryKey({ roomId: room.id });
  const members = useQuery(trpc.room.members.queryOptions({ roomId: room.id }, { staleTime: 0 }));
  const memberIds = useMemo(() => new Set(members.data?.map((m) => m.user.id) ?? [me.id]), [members.data, me.id]);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: membersKey });
  const add = useMutation(trpc.room.addMember.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.room.removeMember.mutationOptions({ onSuccess: refresh, onError: (err) => setError(messageOf(err)) }));
  const setRole = useMutation(trpc.room.setRole.mutationOptions({ onSuccess: refresh, onError: (err) => setError(messageOf(err)) }));

  const count = members.data?.length ?? room.memberCount;
  return (
    <Dialog
      title="Members"
      subtitle={`${roomLabel(room)} · ${count} ${count === 1 ? "member" : "members"}`}
      onClose={onClose}
    >
      {canAddPeople(room) ? (
        adding ? (
          <section className="members-add" aria-label="Add people">
            <PeoplePicker
              autoFocus
              exclude={memberIds}
              hint={room.visibility === "private" ? "Only members see this channel." : undefined}
              onPick={(username) => add.mutateAsync({ roomId: room.id, username })}
            />
          </section>
        ) : (
          <button
            type="button"
            className="button button-secondary members-add-button"
            data-autofocus
            onClick={() => setAdding(true)}
          >
            <PlusIcon />
            Add people
          </button>
        )
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {members.data ? (
        <ul className="member-list" aria-label="Members">
          {members.data.map((member) => (
            <MemberRow
              key={member.user.id}
              member={member}
              isMe={member.user.id === me.id}
              canRemove={canRemove(room.role, member, me.id)}
              roleChange={roleChange(room.role, member)}
              onRemove={() => {
                setError(null);
                remove.mutate({ roomId: room.id, username: member.user.username });
              }}
              onRole={(role) => {
                setError(null);
                setRole.mutate({ roomId: room.id, username: member.user.username, role });
              }}
              onMessage={onClose}
            />
          ))}
        </ul>
      ) : members.error ? (
        <p className="form-error" role="alert">
          {messageOf(members.error)}
        </p>
      ) : (
        <div aria-busy="true" className="member-list-loading">
          <span className="skeleton" />
          <span className="skeleton" />
        </div>
      )}
    </Dialog>
  );
}

type MemberRowProps = {
  member: Member;
  isMe: boolean;
  canRemove: boolean;
  roleChange: "admin" | "member" | null;
  onRemove: () => void;
  onRole: (role: "admin" | "member") => void;
  /** Called once the dm is open (the dialog closes). */
  onMessage: () => void;
};

/** One person: name (which offers a dm), role, presence and what the caller may do to them. */
function MemberRow({ member, isMe, canRemove, roleChange, onRemove, onRole, onMessage }: MemberRowProps) {
  const { username } = member.user;
  const openDm = useOpenDm();
  const [offering, setOffering] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const menuId = `member-${member.user.id}-actions`;

  return (
    <li className="member-row">
      <div className="member-line">
        <Avatar name={username} size="sm" />
        <div className="member-who">
          {isMe ? (
            <>
              <span className="member-name">{username}</span>
              <span className="member-you">(you)</span>
            </>
          ) : (
            <button
              type="button"
              className="member-name member-name-button"
              aria-expanded={offering}
              aria-controls={menuId}
              onClick={() => setOffering((v) => !v)}
            >
              {username}
            </button>
          )}
          <span className={`member-role member-role-${member.role}`}>{roleName(member.role)}</span>
          {member.online ? <span className="member-online">online</span> : null}
        </div>
        <div className="member-actions">
          {roleChange ? (
            <button type="button" className="button button-ghost button-sm" onClick={() => onRole(roleChange)}>
              {roleChange === "admin" ? "Make admin" : "Make member"}
            </button>
          ) : null}
          {canRemove ? (
            <button type="button" className="button button-ghost button-sm member-remove" aria-label={`Remove ${username}`} onClick={onRemove}>
              Remove
            </button>
          ) : null}
        </div>
      </div>
      {offering ? (
        <div id={menuId} className="member-offer">
          <button
            type="button"
            className="button button-primary button-sm"
            onClick={() => {
              setError(null);
              openDm(username).then(onMessage, (err: unknown) => setError(messageOf(err)));
            }}
          >
            <ChatIcon />
            Message {username}
          </button>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
