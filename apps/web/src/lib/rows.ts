import type { Message } from "@parley/client";
import type { PendingMessage } from "./outbox";
import { dayKey, formatDay } from "./format";

// The log's rows: day dividers, messages (grouped under their author), then pending sends.

export type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "message"; key: string; message: Message; grouped: boolean }
  | { kind: "pending"; key: string; item: PendingMessage; grouped: boolean };

/** Consecutive messages by one author within this gap share one header. */
const GROUP_GAP_MS = 5 * 60_000;

/**
 * Builds the rows. A pending send whose confirmed message is already in the history is left
 * out, so a message never shows twice while its confirmation is in flight.
 */
export function buildRows(messages: Message[], pending: PendingMessage[], myId: string, now = new Date()): Row[] {
  const rows: Row[] = [];
  let previous = null as { authorId: string; at: number; day: string } | null;
  for (const message of messages) {
    const day = dayKey(message.createdAt);
    if (previous?.day !== day) rows.push({ kind: "day", key: `day-${day}`, label: formatDay(message.createdAt, now) });
    const at = Date.parse(message.createdAt);
    const grouped = previous !== null && previous.day === day && previous.authorId === message.author.id && at - previous.at < GROUP_GAP_MS;
    rows.push({ kind: "message", key: message.id, message, grouped });
    previous = { authorId: message.author.id, at, day };
  }
  const confirmed = new Set(messages.map((m) => m.clientMsgId).filter((id) => id !== null));
  for (const item of pending) {
    if (confirmed.has(item.clientMsgId)) continue;
    const day = dayKey(item.createdAt);
    if (previous?.day !== day) rows.push({ kind: "day", key: `day-${day}`, label: formatDay(item.createdAt, now) });
    const grouped = previous !== null && previous.day === day && previous.authorId === myId;
    rows.push({ kind: "pending", key: `pending-${item.clientMsgId}`, item, grouped });
    previous = { authorId: myId, at: Date.parse(item.createdAt), day };
  }
  return rows;
}
