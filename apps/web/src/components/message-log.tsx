import { useCallback, useMemo, useState, type KeyboardEvent } from "react";
import type { Me, Message, Room } from "@parley/client";
import type { PendingMessage } from "../lib/outbox";
import { buildRows } from "../lib/rows";
import { ArrowDownIcon } from "./icons";
import { MessageItem } from "./message-item";
import { PendingItem } from "./pending-item";
import { ScrollKeeper } from "./scroll-keeper";
import "./message-log.css";

type Props = {
  room: Room;
  me: Me;
  messages: Message[];
  pending: PendingMessage[];
  loading: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  editingId: string | null;
  onEditingChange: (id: string | null) => void;
};

/**
 * The room's history, oldest at the top. Keyboard: focus the log, then arrow keys move between
 * messages (Home/End jump); Tab then reaches the focused message's own Edit and Delete.
 */
export function MessageLog(props: Props) {
  const { room, me, messages, pending, loading, hasOlder, loadingOlder, onLoadOlder, editingId, onEditingChange } = props;
  const rows = useMemo(() => buildRows(messages, pending, me.id), [messages, pending, me.id]);
  const [activeId, setActiveId] = useState<string | null>(null);

  const firstKey = messages[0]?.id;
  const lastRow = rows[rows.length - 1];
  const lastPending = pending[pending.length - 1];

  const loadOlder = useCallback(() => {
    if (hasOlder && !loadingOlder) onLoadOlder();
  }, [hasOlder, loadingOlder, onLoadOlder]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!["ArrowUp", "ArrowDown", "Home", "End"].includes(event.key)) return;
    const target = event.target as HTMLElement;
    if (target.closest("textarea, input, button")) return;
    const items = Array.from(event.currentTarget.querySelectorAll<HTMLElement>("li.msg[data-message-id]"));
    if (items.length === 0) return;
    const current = target.closest<HTMLElement>("li.msg[data-message-id]");
    const at = current ? items.indexOf(current) : items.length;
    const next =
      event.key === "Home" ? 0 : event.key === "End" ? items.length - 1 : event.key === "ArrowUp" ? at - 1 : at + 1;
    const item = items[Math.max(0, Math.min(items.length - 1, next))];
    if (!item) return;
    event.preventDefault();
    item.focus();
    if (event.key === "ArrowUp" && next <= 2) loadOlder();
  }

  return (
    <ScrollKeeper
      firstKey={firstKey}
      lastKey={lastRow?.key}
      sentKey={lastPending?.clientMsgId}
      hasOlder={hasOlder}
      onNearTop={loadOlder}
      onKeyDown={onKeyDown}
      label="Chat history"
      renderJump={(jump) => (
        <button type="button" className="jump-latest" onClick={jump}>
          <ArrowDownIcon />
          Jump to latest
        </button>
      )}
    >
      <ol
        className="message-list"
        onFocus={(e) => setActiveId((e.target as HTMLElement).closest("li")?.dataset.messageId ?? null)}
      >
        <li className="history-start" aria-hidden={loading || undefined}>
          {loading ? (
            <span className="history-note">
              <span className="spinner" aria-hidden="true" /> Loading…
            </span>
          ) : hasOlder ? (
            <button type="button" className="link-button history-note" onClick={loadOlder} aria-disabled={loadingOlder || undefined}>
              {loadingOlder ? (
                <>
                  <span className="spinner" aria-hidden="true" /> Loading older messages…
                </>
              ) : (
                "Load older messages"
              )}
            </button>
          ) : (
            <span className="history-begin">
              <strong>
                {room.kind === "dm"
                  ? `This is the very beginning of your conversation with ${room.name}.`
                  : `This is the very beginning of #${room.name}.`}
              </strong>
              <span>
                {room.kind === "dm" ? null : `Created by ${room.createdBy.username}. `}
                {messages.length === 0 ? "Say hello!" : null}
              </span>
            </span>
          )}
        </li>
        {rows.map((row) => {
          switch (row.kind) {
            case "day":
              return (
                <li key={row.key} className="day-divider">
                  <span>{row.label}</span>
                </li>
              );
            case "message":
              return (
                <MessageItem
                  key={row.key}
                  message={row.message}
                  grouped={row.grouped}
                  mine={row.message.author.id === me.id}
                  editing={editingId === row.message.id}
                  active={activeId === row.message.id}
                  onEditingChange={(editing) => onEditingChange(editing ? row.message.id : null)}
                />
              );
            case "pending":
              return <PendingItem key={row.key} item={row.item} author={me.username} grouped={row.grouped} />;
          }
        })}
      </ol>
    </ScrollKeeper>
  );
}
