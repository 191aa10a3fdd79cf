import type { User } from "@parley/client";

/** "<username> is typing…", one line per typist, in a fixed-height strip so nothing jumps. */
export function TypingIndicator({ users }: { users: User[] }) {
  const shown = users.slice(0, 3);
  return (
    <div className="typing" aria-live="polite">
      {shown.length > 0 ? (
        <span className="typing-dots" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
      ) : null}
      {shown.map((user) => (
        <span key={user.id} className="typing-line">
          {user.username} is typing…
        </span>
      ))}
      {users.length > shown.length ? <span className="typing-line">and {users.length - shown.length} more</span> : null}
    </div>
  );
}
