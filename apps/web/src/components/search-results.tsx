import type { SearchHit } from "@parley/client";
import { searchWords } from "../lib/decorate";
import { formatDay, formatFull, formatTime } from "../lib/format";
import { roomLabel } from "../lib/room-list";
import { MessageText } from "./message-text";

type Props = {
  query: string;
  hits: SearchHit[];
  /** Room kinds by id, to name a dm by its person and a channel with "#" (from the room list). */
  kindOf: (roomId: string) => "channel" | "dm";
  onOpen: (hit: SearchHit) => void;
};

/**
 * "Search results": each hit a button with its room, author, time and text, the words searched
 * for marked. Choosing one opens the room at that message.
 */
export function SearchResults({ query, hits, kindOf, onOpen }: Props) {
  const words = searchWords(query);
  return (
    <ul className="search-results" aria-label="Search results">
      {hits.map((hit) => {
        const { message } = hit;
        const room = roomLabel({ kind: kindOf(message.roomId), name: hit.roomName });
        return (
          <li key={message.id}>
            <button type="button" className="search-hit" onClick={() => onOpen(hit)}>
              <span className="search-hit-meta">
                <span className="search-hit-room">{room}</span>
                <span className="search-hit-author">{message.author.username}</span>
                <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
                  {formatDay(message.createdAt)}, {formatTime(message.createdAt)}
                </time>
              </span>
              <span className="search-hit-text">
                <MessageText text={message.text} words={words} links={false} />
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
