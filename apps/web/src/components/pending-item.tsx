import { useOutbox } from "../hooks/use-outbox";
import type { PendingMessage } from "../lib/outbox";
import { Avatar } from "./avatar";
import { MessageText } from "./message-text";

/** A message on its way: shown at once, greyed, until the server confirms it; or why it failed. */
export function PendingItem({ item, author, grouped }: { item: PendingMessage; author: string; grouped: boolean }) {
  const outbox = useOutbox();
  const failed = item.status === "failed";
  return (
    <li className={`msg is-mine ${failed ? "is-failed" : "is-pending"}${grouped ? " is-grouped" : ""}`} data-pending="true">
      <div className="msg-gutter">{grouped ? null : <Avatar name={author} />}</div>
      <div className="msg-body">
        {grouped ? null : (
          <div className="msg-meta">
            <span className="msg-author">{author}</span>
          </div>
        )}
        <p className="msg-text">
          <MessageText text={item.text.trim()} />
        </p>
        {failed ? (
          <p className="msg-status msg-status-failed" role="alert">
            <span>{item.error ?? "Not sent."}</span>
            <button type="button" className="link-button" onClick={() => outbox.retry(item.clientMsgId)}>
              Retry
            </button>
            <button type="button" className="link-button link-muted" onClick={() => outbox.discard(item.clientMsgId)}>
              Discard
            </button>
          </p>
        ) : (
          <p className="msg-status">Sending…</p>
        )}
      </div>
    </li>
  );
}
