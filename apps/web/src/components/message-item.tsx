import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Message } from "@parley/client";
import { historyKey } from "../hooks/use-room-history";
import { messageOf } from "../lib/errors";
import { formatFull, formatTime } from "../lib/format";
import { removeMessage, upsertMessage, type MessageHistory } from "../lib/message-cache";
import { useTRPC } from "../lib/trpc";
import { Avatar } from "./avatar";
import { PencilIcon, TrashIcon } from "./icons";
import { MessageEditor } from "./message-editor";
import { MessageText } from "./message-text";

type Props = {
  message: Message;
  /** Follows a message by the same author moments before: no avatar or name again. */
  grouped: boolean;
  mine: boolean;
  editing: boolean;
  /** The message keyboard focus is on: only its actions are in the tab order. */
  active: boolean;
  onEditingChange: (editing: boolean) => void;
};

/** One message in the log; your own can be edited and deleted in place. */
export function MessageItem({ message, grouped, mine, editing, active, onEditingChange }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const updateHistory = (fn: (old: MessageHistory) => MessageHistory) =>
    queryClient.setQueryData<MessageHistory>(historyKey(message.roomId), (old) => (old ? fn(old) : old));

  const edit = useMutation(
    trpc.message.edit.mutationOptions({
      onSuccess(updated) {
        updateHistory((old) => upsertMessage(old, updated));
        onEditingChange(false);
      },
      onError: (err) => setError(messageOf(err)),
    }),
  );
  const remove = useMutation(
    trpc.message.delete.mutationOptions({
      onSuccess: () => updateHistory((old) => removeMessage(old, message.id)),
      onError: (err) => setError(messageOf(err)),
    }),
  );

  const time = formatTime(message.createdAt);
  const classes = ["msg", grouped ? "is-grouped" : "", mine ? "is-mine" : "", editing ? "is-editing" : ""];
  return (
    <li className={classes.filter(Boolean).join(" ")} data-message-id={message.id} tabIndex={-1}>
      <div className="msg-gutter">
        {grouped ? (
          <time className="msg-gutter-time" dateTime={message.createdAt} title={formatFull(message.createdAt)}>
            {time}
          </time>
        ) : (
          <Avatar name={message.author.username} />
        )}
      </div>
      <div className="msg-body">
        {grouped ? null : (
          <div className="msg-meta">
            <span className="msg-author">
              {message.author.username}
              {message.author.deactivated ? <span className="user-deactivated"> (deactivated)</span> : null}
            </span>
            <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
              {time}
            </time>
          </div>
        )}
        {editing ? (
          <MessageEditor
            initial={message.text}
            busy={edit.isPending}
            error={error}
            onSave={(text) => {
              setError(null);
              edit.mutate({ messageId: message.id, text });
            }}
            onCancel={() => {
              setError(null);
              onEditingChange(false);
            }}
          />
        ) : (
          <p className="msg-text">
            <MessageText text={message.text} />
            {message.editedAt ? (
              <span className="msg-edited" title={`Edited ${formatFull(message.editedAt)}`}>
                {" "}
                (edited)
              </span>
            ) : null}
          </p>
        )}
        {error && !editing ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      {mine && !editing ? (
        <div className="msg-actions">
          <button
            type="button"
            className="icon-button"
            aria-label="Edit"
            title="Edit"
            tabIndex={active ? 0 : -1}
            onClick={() => {
              setError(null);
              onEditingChange(true);
            }}
          >
            <PencilIcon />
          </button>
          <button
            type="button"
            className="icon-button icon-button-danger"
            aria-label="Delete"
            title="Delete"
            tabIndex={active ? 0 : -1}
            onClick={() => {
              setError(null);
              remove.mutate({ messageId: message.id });
            }}
            aria-disabled={remove.isPending || undefined}
          >
            <TrashIcon />
          </button>
        </div>
      ) : null}
    </li>
  );
}
