import { roomNameRule } from "@parley/contract/rules";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useStoreRoom } from "../hooks/use-rooms";
import { checkField } from "../hooks/use-form";
import { fieldErrorsOf, messageOf } from "../lib/errors";
import { navigate, roomPath } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { LockIcon, PlusIcon } from "./icons";

/**
 * "Room name", "Private" and "Create room": creates a channel (you are its owner and first
 * member) and opens it. A private one is seen only by the people its owner and admins add.
 */
export function CreateRoomForm() {
  const trpc = useTRPC();
  const storeRoom = useStoreRoom();
  const [name, setName] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.room.create.mutationOptions({
      onSuccess(room) {
        storeRoom(room);
        setName("");
        setPrivate(false);
        navigate(roomPath(room.id));
      },
      onError(err) {
        // A taken name (CONFLICT) says so in its message, as any other refusal does.
        setError(fieldErrorsOf(err).name ?? messageOf(err));
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (create.isPending) return;
    // The same schema the server applies; the server stays the judge (it also checks uniqueness).
    const problem = checkField(roomNameRule, name);
    if (problem) return setError(problem);
    setError(null);
    create.mutate({ name, visibility: isPrivate ? "private" : "public" });
  }

  return (
    <form className="create-room" onSubmit={submit} noValidate>
      <label htmlFor="room-name" className="create-room-label">
        Room name
      </label>
      <div className="create-room-row">
        <input
          id="room-name"
          placeholder="e.g. design-review"
          autoComplete="off"
          maxLength={200}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (error) setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "room-name-error" : undefined}
        />
        <button type="submit" className="button button-primary" title="Create room" aria-disabled={create.isPending || undefined}>
          <PlusIcon />
          <span>Create room</span>
        </button>
      </div>
      {error ? (
        <p id="room-name-error" className="field-error">
          {error}
        </p>
      ) : null}
      <div className="create-room-private">
        <input
          id="room-private"
          type="checkbox"
          checked={isPrivate}
          onChange={(e) => setPrivate(e.target.checked)}
          aria-describedby="room-private-hint"
        />
        <label htmlFor="room-private">
          <LockIcon />
          Private
        </label>
        <span id="room-private-hint" className="create-room-private-hint">
          only people you add
        </span>
      </div>
    </form>
  );
}
