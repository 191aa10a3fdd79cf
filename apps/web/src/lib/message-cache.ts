import type { InfiniteData } from "@tanstack/react-query";
import type { Message, Reaction, RoomEvent } from "@parley/client";

// A room's history lives in one TanStack infinite query: pages[0] is the newest page (the
// first one read), each later page is older. Live events are folded into that cache, and
// pages[0].lastEventId follows the newest event applied, so the cache always says which
// event it is up to date with: a subscription resumed from there misses nothing.

export type MessagePage = { messages: Message[]; nextCursor: string | null; lastEventId: string | null };
export type MessageHistory = InfiniteData<MessagePage, string | null>;

/** Every message, oldest first. */
export function flattenHistory(data: MessageHistory | undefined): Message[] {
  if (!data) return [];
  const out: Message[] = [];
  for (let i = data.pages.length - 1; i >= 0; i--) out.push(...(data.pages[i]?.messages ?? []));
  return out;
}

function mapPages(data: MessageHistory, fn: (messages: Message[]) => Message[]): MessageHistory {
  return { ...data, pages: data.pages.map((page) => ({ ...page, messages: fn(page.messages) })) };
}

function contains(data: MessageHistory, messageId: string): boolean {
  return data.pages.some((page) => page.messages.some((m) => m.id === messageId));
}

/**
 * Adds a message to the newest page, or replaces the copy already there: the send's reply and
 * its `message.created` event both bring it, in either order, and it must show once.
 */
export function upsertMessage(data: MessageHistory, message: Message): MessageHistory {
  if (contains(data, message.id)) {
    return mapPages(data, (messages) => messages.map((m) => (m.id === message.id ? message : m)));
  }
  const [newest, ...older] = data.pages;
  if (!newest) return data;
  const messages = [...newest.messages];
  // Events arrive in order, so this is almost always the end; a send's reply may overtake.
  let at = messages.length;
  while (at > 0 && (messages[at - 1]?.createdAt ?? "") > message.createdAt) at--;
  messages.splice(at, 0, message);
  return { ...data, pages: [{ ...newest, messages }, ...older] };
}

/** Removes a message wherever it is. */
export function removeMessage(data: MessageHistory, messageId: string): MessageHistory {
  if (!contains(data, messageId)) return data;
  return mapPages(data, (messages) => messages.filter((m) => m.id !== messageId));
}

/** Sets one message's reactions (message.react's answer, or a `reactions.changed` event). */
export function setReactions(data: MessageHistory, messageId: string, reactions: Reaction[]): MessageHistory {
  if (!contains(data, messageId)) return data;
  return mapPages(data, (messages) => messages.map((m) => (m.id === messageId ? { ...m, reactions } : m)));
}

/** Folds one tracked room event into the history and records its id. */
export function applyRoomEvent(data: MessageHistory, eventId: string, event: RoomEvent): MessageHistory {
  let next = data;
  switch (event.type) {
    case "message.created":
      next = upsertMessage(data, event.message);
      break;
    case "message.updated":
      // An edit of a message not loaded (an older page) has nothing to change here.
      next = contains(data, event.message.id)
        ? mapPages(data, (messages) => messages.map((m) => (m.id === event.message.id ? event.message : m)))
        : data;
      break;
    case "message.deleted":
      next = removeMessage(data, event.messageId);
      break;
    case "reactions.changed":
      next = setReactions(data, event.messageId, event.reactions);
      break;
    case "member.joined":
    case "member.left":
    case "member.role":
    case "room.updated":
      // Not messages: they change the room (see use-room-changes), and only the id is recorded.
      break;
  }
  const [newest, ...older] = next.pages;
  if (!newest) return next;
  return { ...next, pages: [{ ...newest, lastEventId: eventId }, ...older] };
}

/** The event id the cached history is current with. */
export function historyEventId(data: MessageHistory | undefined): string | null {
  return data?.pages[0]?.lastEventId ?? null;
}
