import type { User } from "@parley/client";
import { Avatar } from "./avatar";

/** The "Online" list: who holds the room open right now. A strip above the log on phones. */
export function OnlineList({ users, meId }: { users: User[]; meId: string }) {
  return (
    <aside className="online" aria-labelledby="online-heading">
      <h2 id="online-heading" className="online-heading">
        <span className="online-dot" aria-hidden="true" />
        Online <span className="online-count">{users.length}</span>
      </h2>
      <ul className="online-list" aria-label="Online">
        {users.map((user) => (
          <li key={user.id} className="online-user">
            <Avatar name={user.username} size="sm" />
            <span className="online-name">{user.username}</span>
            {user.id === meId ? <span className="online-you">you</span> : null}
          </li>
        ))}
      </ul>
    </aside>
  );
}
