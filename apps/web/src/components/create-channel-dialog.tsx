import { roomNameRule, topicRule } from "@parley/contract/rules";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useStoreRoom } from "../hooks/use-rooms";
import { checkField } from "../hooks/use-form";
import { fieldErrorsOf, messageOf } from "../lib/errors";
import { navigate, roomPath } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { Dialog } from "./dialog";
import { Field } from "./field";
import { LockIcon } from "./icons";

/**
 * "Create channel": "Room name", an optional "Topic", "Private", and "Create room". Creates a
 * channel (you are its owner and first member) and opens it. A private one is seen only by the
 * people its owner and admins add. The field and button names are those of the form that used
 * to sit in the sidebar, so scripts and screen-reader habits keep working.
 */
export function CreateChannelDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const storeRoom = useStoreRoom();
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; topic?: string; form?: string }>({});
  const create = useMutation(
    trpc.room.create.mutationOptions({
      onSuccess(room) {
        storeRoom(room);
        onClose();
        navigate(roomPath(room.id));
      },
      onError(err) {
        // A taken name (CONFLICT) says so in its message, as any other refusal does.
        const fields = fieldErrorsOf(err);
        if (fields.topic) return setErrors({ topic: fields.topic });
        setErrors({ name: fields.name ?? messageOf(err) });
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (create.isPending) return;
    // The same schemas the server applies; the server stays the judge (it also checks uniqueness).
    const nameProblem = checkField(roomNameRule, name);
    const topicProblem = topic.trim() === "" ? null : checkField(topicRule, topic);
    if (nameProblem || topicProblem) return setErrors({ name: nameProblem ?? undefined, topic: topicProblem ?? undefined });
    setErrors({});
    create.mutate({ name, visibility: isPrivate ? "private" : "public", ...(topic.trim() ? { topic } : {}) });
  }

  return (
    <Dialog title="Create channel" subtitle="A place for a team, a project or a topic." onClose={onClose}>
      <form className="create-channel" onSubmit={submit} noValidate>
        <Field
          id="room-name"
          label="Room name"
          placeholder="e.g. design-review"
          autoComplete="off"
          maxLength={200}
          data-autofocus
          value={name}
          error={errors.name}
          onChange={(e) => {
            setName(e.target.value);
            if (errors.name) setErrors({ ...errors, name: undefined });
          }}
        />
        <Field
          id="room-topic"
          label="Topic"
          placeholder="What it is for (optional)"
          autoComplete="off"
          value={topic}
          error={errors.topic}
          onChange={(e) => {
            setTopic(e.target.value);
            if (errors.topic) setErrors({ ...errors, topic: undefined });
          }}
        />
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
        <div className="dialog-actions">
          <button type="button" className="button button-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" aria-disabled={create.isPending || undefined}>
            Create room
          </button>
        </div>
      </form>
    </Dialog>
  );
}
