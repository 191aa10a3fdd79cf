import type { SessionInfo } from "@parley/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { messageOf } from "../lib/errors";
import { formatDay, formatFull, formatTime } from "../lib/format";
import { sessionLabels, timeAgo, type SessionLabel } from "../lib/sessions";
import { useTRPC } from "../lib/trpc";
import { Dialog } from "./dialog";

/** "Today, 14:05" or "Monday, March 3, 09:12". */
function when(iso: string): string {
  return `${formatDay(iso)}, ${formatTime(iso)}`;
}

/**
 * "Sessions": every device signed in as you, newest first. This one is marked and cannot be
 * revoked here (that is "Log out"); any other is revoked with its "Revoke <device>" button,
 * which signs that device out at once.
 */
export function SessionsDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess() {
        setError(null);
      },
      onError(err) {
        setError(messageOf(err));
      },
      onSettled() {
        void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
      },
    }),
  );

  return (
    <Dialog title="Sessions" subtitle="Devices signed in to your account." onClose={onClose}>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {sessions.data ? (
        <ul className="session-list" aria-label="Sessions">
          {sessions.data.map((session, _i, all) => (
            <SessionRow
              key={session.id}
              session={session}
              label={labelsOf(all).get(session.id) ?? { name: "Unknown device", version: null }}
              busy={revoke.isPending && revoke.variables.sessionId === session.id}
              onRevoke={() => revoke.mutate({ sessionId: session.id })}
            />
          ))}
        </ul>
      ) : sessions.error ? (
        <p className="form-error" role="alert">
          {messageOf(sessions.error)}
        </p>
      ) : (
        <div className="room-nav-loading" aria-busy="true">
          <span className="skeleton" />
          <span className="skeleton" />
        </div>
      )}
    </Dialog>
  );
}

/** One computation per list, not per row. */
const labelCache = new WeakMap<SessionInfo[], Map<string, SessionLabel>>();
function labelsOf(all: SessionInfo[]): Map<string, SessionLabel> {
  let labels = labelCache.get(all);
  if (!labels) labelCache.set(all, (labels = sessionLabels(all)));
  return labels;
}

type RowProps = { session: SessionInfo; label: SessionLabel; busy: boolean; onRevoke: () => void };

function SessionRow({ session, label, busy, onRevoke }: RowProps) {
  const device = label.name;
  const detailsId = useId();
  return (
    <li className="session-row" aria-current={session.current ? "true" : undefined}>
      <div className="session-text">
        <span className="session-device">
          {device}
          {label.version ? <span className="session-version">version {label.version}</span> : null}
          {session.current ? <span className="session-current">This device</span> : null}
        </span>
        <span id={detailsId} className="session-details">
          <span title={formatFull(session.lastSeenAt)}>Last used {timeAgo(session.lastSeenAt)}</span>
          {session.address ? (
            <>
              {" · "}
              <span className="session-address">{session.address}</span>
            </>
          ) : null}
          {" · "}
          <span title={formatFull(session.createdAt)}>signed in {when(session.createdAt)}</span>
        </span>
      </div>
      {session.current ? null : (
        <button
          type="button"
          className="button button-secondary button-sm"
          aria-label={`Revoke ${device}`}
          aria-describedby={detailsId}
          aria-disabled={busy || undefined}
          onClick={() => {
            if (!busy) onRevoke();
          }}
        >
          Revoke
        </button>
      )}
    </li>
  );
}
