import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { Message, Reaction } from "@parley/client";
import { historyKey } from "../hooks/use-room-history";
import { messageOf } from "../lib/errors";
import { formatFull, formatTime } from "../lib/format";
import { removeMessage, setReactions, upsertMessage, type MessageHistory } from "../lib/message-cache";
import { useTRPC } from "../lib/trpc";
import { Avatar } from "./avatar";
import { PencilIcon, ReplyIcon, SmileIcon, TrashIcon } from "./icons";
import { MessageEditor } from "./message-editor";
import { MessageText } from "./message-text";
import { ReactionBar, ReactionPicker } from "./reactions";

type Props = {
  message: Message;
  /** Follows a message by the same author moments before: no avatar or name again. */
  grouped: boolean;
  mine: boolean;
  editing: boolean;
  /** The message keyboard focus is on: only its actions are in the tab order. */
  active: boolean;
  onEditingChange: (editing: boolean) => void;
  /** The reader: their id and username (a mention of them is highlighted). */
  meId: string;
  meName: string;
  /** A user id as a username, for who reacted; null when unknown. */
  nameOf: (userId: string) => string | null;
  onReply: (message: Message) => void;
  /** Shows another message of the room (a reply's quote was clicked). */
  onJump: (messageId: string) => void;
  /** Just jumped to: briefly highlighted. */
  flash?: boolean;
};

/**
 * One message in the log: "Reply" and "React" on every message, and your own can be edited and
 * deleted in place. A reply quotes what it answers (click: go there); reactions sit under it.
 */
export function MessageItem(props: Props) {
  const { message, grouped, mine, editing, active, onEditingChange, meId, meName, nameOf, onReply, onJump, flash } = props;
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

  /** The reaction picker, opening downwards or (in the lower half of the log) upwards. */
  const [picking, setPicking] = useState<false | "down" | "up">(false);
  const closePicker = useCallback(() => setPicking(false), []);
  const onReacted = {
    onSuccess: ({ reactions }: { reactions: Reaction[] }) => updateHistory((old) => setReactions(old, message.id, reactions)),
    onError: (err: unknown) => setError(messageOf(err)),
  };
  const react = useMutation(trpc.message.react.mutationOptions(onReacted));
  const unreact = useMutation(trpc.message.unreact.mutationOptions(onReacted));
  const toggleReaction = (emoji: string, reacted: boolean) => {
    setError(null);
    if (reacted) unreact.mutate({ messageId: message.id, emoji });
    else react.mutate({ messageId: message.id, emoji });
  };

  const mentionNames = useMemo(() => message.mentions.map((user) => user.username), [message.mentions]);
  const mentionsMe = message.mentions.some((user) => user.id === meId);
  const time = formatTime(message.createdAt);
  const classes = [
    "msg",
    grouped ? "is-grouped" : "",
    mine ? "is-mine" : "",
    editing ? "is-editing" : "",
    mentionsMe ? "is-mention" : "",
    flash ? "is-flash" : "",
  ];
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
        {message.replyTo ? <ReplyQuote replyTo={message.replyTo} onJump={onJump} /> : null}
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
            <MessageText text={message.text} mentions={mentionNames} me={meName} />
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
        <ReactionBar reactions={message.reactions} meId={meId} nameOf={nameOf} onToggle={toggleReaction} />
      </div>
      {editing ? null : (
        <div className="msg-actions">
          <button
            type="button"
            className="icon-button"
            aria-label="Reply"
            title="Reply"
            tabIndex={active ? 0 : -1}
            onClick={() => onReply(message)}
          >
            <ReplyIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="React"
            title="React"
            aria-haspopup="dialog"
            aria-expanded={picking !== false}
            tabIndex={active ? 0 : -1}
            onClick={(event) => {
              const log = event.currentTarget.closest(".log")?.getBoundingClientRect();
              const at = event.currentTarget.getBoundingClientRect();
              const lower = log ? at.top - log.top > log.height / 2 : false;
              setPicking((open) => (open ? false : lower ? "up" : "down"));
            }}
          >
            <SmileIcon />
          </button>
          {mine ? (
            <>
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
            </>
          ) : null}
        </div>
      )}
      {picking ? (
        <ReactionPicker
          up={picking === "up"}
          onClose={closePicker}
          onPick={(emoji) => {
            setPicking(false);
            const reacted = message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(meId));
            if (!reacted) toggleReaction(emoji, false);
          }}
        />
      ) : null}
    </li>
  );
}

/** The quoted start of the message a reply answers; clicking it goes there. */
function ReplyQuote({ replyTo, onJump }: { replyTo: NonNullable<Message["replyTo"]>; onJump: (id: string) => void }) {
  const gone = replyTo.text === "";
  return (
    <button
      type="button"
      className="msg-quote"
      disabled={gone}
      title={gone ? undefined : "Show the message this replies to"}
      onClick={() => onJump(replyTo.id)}
    >
      <span className="sr-only">In reply to </span>
      <span className="msg-quote-author">{replyTo.author.username}</span>
      <span className="msg-quote-text">{gone ? "Deleted message" : replyTo.text}</span>
    </button>
  );
}
