import { topicRule } from "@parley/contract/rules";
import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import type { Room } from "@parley/client";
import { useStoreRoom } from "../hooks/use-rooms";
import { checkField } from "../hooks/use-form";
import { fieldErrorsOf, messageOf } from "../lib/errors";
import { useTRPC } from "../lib/trpc";

/** "Topic" in place under the room's name: Enter or "Save" keeps it, Escape or "Cancel" does not. */
export function TopicEditor({ room, onDone }: { room: Room; onDone: () => void }) {
  const trpc = useTRPC();
  const storeRoom = useStoreRoom();
  const id = useId();
  const [topic, setTopic] = useState(room.topic);
  const [error, setError] = useState<string | null>(null);
  const update = useMutation(
    trpc.room.update.mutationOptions({
      onSuccess(updated) {
        storeRoom(updated);
        onDone();
      },
      onError: (err) => setError(fieldErrorsOf(err).topic ?? messageOf(err)),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (update.isPending) return;
    // The server's own schema first; the server stays the judge.
    const problem = checkField(topicRule, topic);
    if (problem) return setError(problem);
    if (topic.trim() === room.topic) return onDone();
    update.mutate({ roomId: room.id, topic });
  }

  return (
    <form className="topic-editor" onSubmit={submit} noValidate>
      <label htmlFor={`${id}-topic`} className="sr-only">
        Topic
      </label>
      <input
        id={`${id}-topic`}
        // Opened on purpose by "Change topic": the cursor goes where the typing will be.
        autoFocus
        value={topic}
        placeholder="What is this channel about?"
        maxLength={250}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => {
          setTopic(event.target.value);
          setError(null);
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            onDone();
          }
        }}
      />
      <button type="submit" className="button button-primary button-sm" aria-disabled={update.isPending || undefined}>
        Save
      </button>
      <button type="button" className="button button-ghost button-sm" onClick={onDone}>
        Cancel
      </button>
      {error ? (
        <p id={`${id}-error`} className="field-error topic-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
