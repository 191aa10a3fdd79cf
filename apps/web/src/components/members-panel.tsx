import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { Member, Room } from "@parley/client";
import { useOpenDm } from "../hooks/use-rooms";
import { useMe } from "../hooks/use-session";
import { messageOf } from "../lib/errors";
import { canAddPeople, canRemove, roleChange, roleName } from "../lib/roles";
import { roomLabel } from "../lib/room-list";
import { useTRPC } from "../lib/trpc";
import { Avatar } from "./avatar";
import { Dialog } from "./dialog";
import { MemberActions } from "./member-actions";
import { ChatIcon, PlusIcon } from "./icons";
import { PeoplePicker } from "./people-picker";
import "./members-panel.css";

/**
 * Who is in the room, with their roles: beside the conversation on a wide screen, in a dialog
 * (the header's "Members") on a narrow one. The owner and admins add people ("Add people", a
 * search as you type) and remove them; the owner makes admins. A member's name offers a direct
 * message. Live: the room's events refresh the list (see use-room-changes).
 */
export function MembersPanel({ room, headingLevel = 2 }: { room: Room; headingLevel?: 2 | 3 }) {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  // How many times "Add people" was pressed: each press opens the picker and puts the cursor in
  // it. Someone added (or Cancel) closes it again, and the focus goes back to the button.
  const [addRequests, setAddRequests] = useState(0);
  const adding = addRequests > 0;
  const addButton = useRef<HTMLButtonElement>(null);
  const stopAdding = () => setAddRequests(0);
  const wasAdding = useRef(false);
  useEffect(() => {
    // After the picker is gone, so that nothing in it takes the focus back.
    if (wasAdding.current && !adding) addButton.current?.focus();
    wasAdding.current = adding;
  }, [adding]);
  const [error, setError] = useState<string | null>(null);
  // The member whose removal waits for a yes ("Remove <username>?").
  const [confirming, setConfirming] = useState<string | null>(null);
  const members = useQuery(trpc.room.members.queryOptions({ roomId: room.id }, { staleTime: 0 }));
  const memberIds = useMemo(() => new Set(members.data?.map((m) => m.user.id) ?? [me.id]), [members.data, me.id]);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.room.members.queryKey({ roomId: room.id }) });
  const add = useMutation(trpc.room.addMember.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.room.removeMember.mutationOptions({ onSuccess: refresh, onError: (err) => setError(messageOf(err)) }));
  const setRole = useMutation(trpc.room.setRole.mutationOptions({ onSuccess: refresh, onError: (err) => setError(messageOf(err)) }));

  const Heading = headingLevel === 2 ? "h2" : "h3";
  const count = members.data?.length ?? room.memberCount;
  return (
    <section className="members" aria-labelledby={`${id}-heading`}>
      <div className="members-head">
        <Heading id={`${id}-heading`} className="side-heading">
          Members{" "}
          <span className="side-count" aria-hidden="true">
            {count}
          </span>
        </Heading>
        {canAddPeople(room) ? (
          <button
            ref={addButton}
            type="button"
            className="button button-secondary button-sm"
            aria-expanded={adding}
            aria-controls={`${id}-add`}
            onClick={() => setAddRequests((n) => n + 1)}
          >
            <PlusIcon />
            Add people
          </button>
        ) : null}
      </div>
      {adding && canAddPeople(room) ? (
        <div id={`${id}-add`} className="members-add">
          <PeoplePicker
            focusKey={addRequests}
            exclude={memberIds}
            hint={room.visibility === "private" ? "Only members see this channel." : undefined}
            onPick={async (username) => {
              await add.mutateAsync({ roomId: room.id, username });
              stopAdding();
            }}
          />
          <button type="button" className="button button-ghost button-sm members-add-cancel" onClick={stopAdding}>
            Cancel
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {confirming ? (
        <Dialog
          title={`Remove ${confirming}?`}
          subtitle={`They leave ${roomLabel(room)}${room.visibility === "private" ? " and no longer see it" : ""}.`}
          onClose={() => setConfirming(null)}
        >
          <div className="dialog-actions">
            <button type="button" className="button button-ghost" data-autofocus onClick={() => setConfirming(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-danger"
              onClick={() => {
                setError(null);
                remove.mutate({ roomId: room.id, username: confirming });
                setConfirming(null);
              }}
            >
              Remove
            </button>
          </div>
        </Dialog>
      ) : null}
      {members.data ? (
        <ul className="member-list" aria-labelledby={`${id}-heading`}>
          {members.data.map((member) => (
            <MemberRow
              key={member.user.id}
              member={member}
              isMe={member.user.id === me.id}
              canRemove={canRemove(room.role, member, me.id)}
              roleChange={roleChange(room.role, member)}
              onRemove={() => setConfirming(member.user.username)}
              onRole={(role) => {
                setError(null);
                setRole.mutate({ roomId: room.id, username: member.user.username, role });
              }}
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
    </section>
  );
}

/** The member list in a dialog, for screens too narrow to show it beside the conversation. */
export function MembersDialog({ room, onClose }: { room: Room; onClose: () => void }) {
  return (
    <Dialog title={`Members of ${roomLabel(room)}`} onClose={onClose}>
      <MembersPanel room={room} headingLevel={3} />
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
};

/**
 * One person: name (which offers a dm), "(you)", role, and one "More actions" menu with what
 * the caller may do to them. A long name is cut with an ellipsis (its full text in a tooltip);
 * "(you)" and the role always stay on the line.
 */
function MemberRow({ member, isMe, canRemove, roleChange, onRemove, onRole }: MemberRowProps) {
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
              <span className="member-name" title={username}>
                {username}
              </span>
              <span className="member-you">(you)</span>
            </>
          ) : (
            <button
              type="button"
              className="member-name member-name-button"
              title={username}
              aria-expanded={offering}
              aria-controls={menuId}
              onClick={() => setOffering((v) => !v)}
            >
              {username}
            </button>
          )}
          <span className={`member-role member-role-${member.role}`}>{roleName(member.role)}</span>
        </div>
        <MemberActions username={username} roleChange={roleChange} canRemove={canRemove} onRole={onRole} onRemove={onRemove} />
      </div>
      {offering ? (
        <div id={menuId} className="member-offer">
          <button
            type="button"
            className="button button-primary button-sm"
            onClick={() => {
              setError(null);
              // Opening the dm leaves this room's screen, and this list (or its dialog) with it.
              openDm(username).catch((err: unknown) => setError(messageOf(err)));
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
