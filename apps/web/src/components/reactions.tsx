import { lazy, Suspense, useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { Reaction } from "@parley/client";

// The full picker (search, categories, skin tones, frequently used) loads on first use.
const EmojiPicker = lazy(() => import("./emoji-picker").then((m) => ({ default: m.EmojiPicker })));

/** The picker's ready-made choices. */
export const COMMON_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"] as const;

/** "alice", "alice and bob", "alice, bob and 2 others". */
export function reactedBy(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  if (names.length <= 3) return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return `${names.slice(0, 3).join(", ")} and ${names.length - 3} others`;
}

type BarProps = {
  reactions: readonly Reaction[];
  meId: string;
  /** A user id as a username (the room's members); null for someone no longer known. */
  nameOf: (userId: string) => string | null;
  /** Clicked: `mine` says whether the reader's own reaction is in it (then it is removed). */
  onToggle: (emoji: string, mine: boolean) => void;
};

/**
 * The counts under a message, one button per emoji: pressed when the reader is among those who
 * reacted (clicking removes theirs), else clicking adds it. Who reacted is in the tooltip.
 */
export function ReactionBar({ reactions, meId, nameOf, onToggle }: BarProps) {
  if (reactions.length === 0) return null;
  return (
    <div className="msg-reactions" role="group" aria-label="Reactions">
      {reactions.map((reaction) => {
        const mine = reaction.userIds.includes(meId);
        const names = reaction.userIds.map((id) => (id === meId ? "you" : (nameOf(id) ?? "someone")));
        return (
          <button
            key={reaction.emoji}
            type="button"
            className={`reaction${mine ? " is-mine" : ""}`}
            aria-pressed={mine}
            title={`${reactedBy(names)} reacted with ${reaction.emoji}`}
            onClick={() => onToggle(reaction.emoji, mine)}
          >
            <span className="reaction-emoji">{reaction.emoji}</span> <span className="reaction-count">{reaction.userIds.length}</span>
          </button>
        );
      })}
    </div>
  );
}

type PickerProps = {
  onPick: (emoji: string) => void;
  onClose: () => void;
  /** Opens above its message (one low in the log) instead of below. */
  up?: boolean;
};

/**
 * "Add a reaction": the common emoji as buttons, "All emoji" for the full picker (search,
 * categories, skin tones, frequently used), and a field for any other. Escape or a click outside
 * closes it.
 */
export function ReactionPicker({ onPick, onClose, up = false }: PickerProps) {
  const id = useId();
  const [text, setText] = useState("");
  const [all, setAll] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    ref.current?.querySelector("button")?.focus();
    const onDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [onClose]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const emoji = text.trim();
    if (emoji) onPick(emoji);
  }

  return (
    <div
      ref={ref}
      className={`reaction-picker${up ? " is-up" : ""}${all ? " is-full" : ""}`}
      role="dialog"
      aria-label="Add a reaction"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="reaction-picker-grid">
        {COMMON_EMOJI.map((emoji) => (
          <button key={emoji} type="button" className="reaction-choice" onClick={() => onPick(emoji)}>
            {emoji}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="button button-secondary button-sm button-block reaction-picker-more"
        aria-expanded={all}
        aria-controls={all ? `${id}-all` : undefined}
        onClick={() => setAll((was) => !was)}
      >
        All emoji
      </button>
      {all ? (
        <div id={`${id}-all`} className="reaction-picker-all">
          <Suspense fallback={<div className="emoji-picker-loading" aria-busy="true" />}>
            <EmojiPicker onPick={onPick} autoFocus />
          </Suspense>
        </div>
      ) : null}
      <form className="reaction-picker-form" onSubmit={submit}>
        <label htmlFor={`${id}-emoji`} className="sr-only">
          Any emoji
        </label>
        <input
          id={`${id}-emoji`}
          type="text"
          placeholder="Any emoji"
          autoComplete="off"
          maxLength={32}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="button button-secondary button-sm" disabled={text.trim() === ""}>
          Add
        </button>
      </form>
    </div>
  );
}
