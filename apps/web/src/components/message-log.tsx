import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { Me, Message, Room } from "@parley/client";
import type { FocusRequest } from "../lib/focus-request";
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
  /** The first unread message as the room was opened (null: none; undefined: in older pages). */
  unreadAnchorId?: string | null | undefined;
  /** A message to show (a reply's original, a search result), once it is loaded. */
  reveal?: FocusRequest | null;
  onRevealed?: (request: FocusRequest) => void;
  /** Whether the reader is at the bottom: told once the log is first placed, then on change. */
  onBottomChange?: (atBottom: boolean) => void;
  nameOf?: (userId: string) => string | null;
  onReply?: (message: Message) => void;
  onJump?: (messageId: string) => void;
};

const noName = () => null;
const nothing = () => {};

/** The row of message `id` in the log, if it is there. */
function findRow(root: HTMLElement | null, id: string): HTMLElement | null {
  if (!root) return null;
  for (const row of root.querySelectorAll<HTMLElement>("li.msg[data-message-id]")) {
    if (row.dataset.messageId === id) return row;
  }
  return null;
}

/**
 * The room's history, oldest at the top. Keyboard: focus the log, then arrow keys move between
 * messages (Home/End jump); Tab then reaches the focused message's own Reply, React, Edit and
 * Delete. Opened with unread messages, a "New messages" divider sits above the first, and the
 * log starts there (or at the bottom, when everything fits); the parent hears where the reader
 * is only from then on, so nothing counts as read before it was on screen.
 */
export function MessageLog(props: Props) {
  const { room, me, messages, pending, loading, hasOlder, loadingOlder, onLoadOlder, editingId, onEditingChange } = props;
  const { unreadAnchorId = null, reveal = null, onRevealed = nothing, onBottomChange = nothing } = props;
  const { nameOf = noName, onReply = nothing, onJump = nothing } = props;
  const rows = useMemo(() => buildRows(messages, pending, me.id), [messages, pending, me.id]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [flashId, setFlashId] = useState<string | null>(null);
  const keeper = useRef<ScrollKeeper>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const positioned = useRef(false);

  const reportBottom = useCallback(
    (atBottom: boolean) => {
      if (positioned.current) onBottomChange(atBottom);
    },
    [onBottomChange],
  );
  const placed = () => {
    positioned.current = true;
    onBottomChange(keeper.current?.isReaderAtBottom() ?? true);
  };

  // First placement, once the history is there: at the divider when there is one (the keeper
  // stops at the bottom when everything fits), else at the bottom where the keeper put it.
  useLayoutEffect(() => {
    if (positioned.current || loading || reveal) return;
    const anchor = unreadAnchorId === undefined ? messages[0]?.id : unreadAnchorId;
    const row = anchor ? findRow(listRef.current, anchor) : null;
    if (row) keeper.current?.reveal((row.previousElementSibling as HTMLElement | null) ?? row, "start");
    placed();
  });

  // A message asked for: shown in the middle and briefly highlighted once it is loaded (the
  // parent loads older pages until it is).
  useLayoutEffect(() => {
    if (!reveal || loading) return;
    const row = findRow(listRef.current, reveal.messageId);
    if (!row) return;
    keeper.current?.reveal(row, "center");
    row.focus({ preventScroll: true });
    setFlashId(reveal.messageId);
    onRevealed(reveal);
    if (!positioned.current) placed();
  });
  useEffect(() => {
    if (!flashId) return;
    const timer = setTimeout(() => setFlashId(null), 2000);
    return () => clearTimeout(timer);
  }, [flashId]);

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
    const next = event.key === "Home" ? 0 : event.key === "End" ? items.length - 1 : event.key === "ArrowUp" ? at - 1 : at + 1;
    const item = items[Math.max(0, Math.min(items.length - 1, next))];
    if (!item) return;
    event.preventDefault();
    item.focus();
    if (event.key === "ArrowUp" && next <= 2) loadOlder();
  }

  return (
    <ScrollKeeper
      ref={keeper}
      onBottomChange={reportBottom}
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
        ref={listRef}
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
            case "message": {
              const first = row.message.id === unreadAnchorId;
              const item = (
                <MessageItem
                  key={row.key}
                  message={row.message}
                  grouped={row.grouped && !first}
                  mine={row.message.author.id === me.id}
                  editing={editingId === row.message.id}
                  active={activeId === row.message.id}
                  onEditingChange={(editing) => onEditingChange(editing ? row.message.id : null)}
                  meId={me.id}
                  meName={me.username}
                  nameOf={nameOf}
                  onReply={onReply}
                  onJump={onJump}
                  flash={flashId === row.message.id}
                />
              );
              if (!first) return item;
              return [
                <li key="new-messages" className="new-divider">
                  <span>New messages</span>
                </li>,
                item,
              ];
            }
            case "pending":
              return <PendingItem key={row.key} item={row.item} author={me.username} grouped={row.grouped} />;
          }
        })}
      </ol>
    </ScrollKeeper>
  );
}
