import { codePoints } from "@parley/contract/rules";
import {
  lazy,
  Suspense,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import type { ReplyTo, User } from "@parley/client";
import { useShortcodes } from "../hooks/use-shortcodes";
import { completeMention, mentionAt } from "../lib/mention-query";
import { completeShortcode, shortcodeAt } from "../lib/shortcode-query";
import { CloseIcon, ReplyIcon, SendIcon, SmileIcon } from "./icons";
import { Avatar } from "./avatar";
import "./composer.css";

/** Longest message the server takes, in code points after trimming. */
const MAX_CHARS = 4000;
/** Suggestions shown for an `@` at once. */
const SUGGESTIONS = 8;

// The emoji library loads when the picker is first opened.
const EmojiPicker = lazy(() => import("./emoji-picker").then((m) => ({ default: m.EmojiPicker })));

/** One row of the suggestion listbox: a member for `@`, an emoji for `:shortcode`. */
type Suggestion = { key: string; content: ReactNode; apply: () => void };

type Props = {
  /** Where the message goes, as running text names it (`#general`, `leo`). */
  to: string;
  onSend: (text: string) => void;
  onTyping: () => void;
  /** Arrow Up in an empty composer: edit your last message. */
  onEditLast?: () => void;
  /** Who `@` suggests: the room's members (the writer left out by the caller). */
  members?: readonly User[];
  /** The message this one answers, shown above the box; Escape or "Cancel reply" drops it. */
  replyTo?: ReplyTo | null;
  onCancelReply?: () => void;
};

/**
 * "Message" and "Send": Enter sends, Shift+Enter starts a new line. Typing `@` offers the room's
 * members, typing `:sm` offers emoji by shortcode (a listbox: arrows move, Enter or Tab picks,
 * Escape closes); "Emoji" opens the full picker. A reply shows what it answers above the box.
 */
export function Composer({ to, onSend, onTyping, onEditLast, members = [], replyTo = null, onCancelReply }: Props) {
  const id = useId();
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  /** Where a dismissed `@` starts: Escape closes its suggestions until another one is typed. */
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const pendingCaret = useRef<number | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = codePoints(text.trim());
  const tooLong = length > MAX_CHARS;
  const canSend = length > 0 && !tooLong;

  const [emojiOpen, setEmojiOpen] = useState(false);

  const mention = mentionAt(text, caret);
  const prefix = mention?.prefix.toLowerCase() ?? "";
  const shortcode = mention ? null : shortcodeAt(text, caret);
  const emojiMatches = useShortcodes(shortcode && shortcode.start !== dismissedAt ? shortcode.prefix : null);
  const suggestions: Suggestion[] =
    mention && mention.start !== dismissedAt
      ? members
          .filter((user) => user.username.toLowerCase().startsWith(prefix))
          .slice(0, SUGGESTIONS)
          .map((user) => ({
            key: user.id,
            content: (
              <>
                <Avatar name={user.username} size="xs" />
                <span>{user.username}</span>
              </>
            ),
            apply: () => pick(user),
          }))
      : emojiMatches.map((match) => ({
          key: match.shortcode,
          content: (
            <>
              <span className="mention-emoji" aria-hidden="true">
                {match.unicode}
              </span>
              <span>:{match.shortcode}:</span>
              <span className="sr-only">{match.unicode}</span>
            </>
          ),
          apply: () => pickEmoji(match.unicode),
        }));
  const open = suggestions.length > 0;
  const listLabel = mention ? "Mention someone" : "Emoji";
  const dismissible = mention ?? shortcode;
  const activeIndex = Math.min(active, suggestions.length - 1);
  const optionId = (i: number) => `${id}-mention-${i}`;

  // Opening a room puts the cursor in the composer, as chat apps do; not on phones, where
  // that would throw the keyboard over the conversation.
  useEffect(() => {
    if (window.matchMedia?.("(min-width: 721px)").matches) ref.current?.focus();
  }, []);

  // Choosing "Reply" puts the cursor here, ready to answer.
  useEffect(() => {
    if (replyTo) ref.current?.focus();
  }, [replyTo]);

  // Grow with the text up to a limit, then scroll inside.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  // After a suggestion is picked, the caret goes after the name it wrote.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || pendingCaret.current === null) return;
    el.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  }, [text]);

  function send() {
    if (!canSend) return;
    onSend(text);
    setText("");
    setCaret(0);
    setDismissedAt(null);
    ref.current?.focus();
  }

  function pick(user: User) {
    if (!mention) return;
    const next = completeMention(text, mention, user.username);
    pendingCaret.current = next.caret;
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    ref.current?.focus();
  }

  /** Writes an emoji over the `:shortcode` being typed. */
  function pickEmoji(emoji: string) {
    if (!shortcode) return;
    const next = completeShortcode(text, shortcode, emoji);
    pendingCaret.current = next.caret;
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    ref.current?.focus();
  }

  /** Puts an emoji from the picker at the caret. */
  function insertEmoji(emoji: string) {
    const next = text.slice(0, caret) + emoji + text.slice(caret);
    pendingCaret.current = caret + emoji.length;
    setText(next);
    setCaret(caret + emoji.length);
    setEmojiOpen(false);
    ref.current?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) must not send.
    if (event.nativeEvent.isComposing) return;
    if (open) {
      const chosen = suggestions[activeIndex];
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((activeIndex + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && chosen) {
        event.preventDefault();
        chosen.apply();
        return;
      }
      if (event.key === "Escape" && dismissible) {
        event.preventDefault();
        setDismissedAt(dismissible.start);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape" && replyTo && onCancelReply) {
      event.preventDefault();
      onCancelReply();
    } else if (event.key === "ArrowUp" && text === "" && onEditLast) {
      event.preventDefault();
      onEditLast();
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {replyTo ? (
        <div className="composer-reply" id={`${id}-reply`}>
          <ReplyIcon />
          <span className="composer-reply-text">
            Replying to <strong>{replyTo.author.username}</strong>
            <span className="composer-reply-quote">{replyTo.text}</span>
          </span>
          <button
            type="button"
            className="icon-button icon-button-sm"
            aria-label="Cancel reply"
            title="Cancel reply (Escape)"
            onClick={() => {
              onCancelReply?.();
              ref.current?.focus();
            }}
          >
            <CloseIcon />
          </button>
        </div>
      ) : null}
      {open ? (
        <ul className="mention-list" id={`${id}-mentions`} role="listbox" aria-label={listLabel}>
          {suggestions.map((suggestion, i) => (
            <li
              key={suggestion.key}
              id={optionId(i)}
              role="option"
              aria-selected={i === activeIndex}
              className="mention-option"
              // Keep the focus (and the caret) in the box.
              onMouseDown={(event) => event.preventDefault()}
              onClick={suggestion.apply}
            >
              {suggestion.content}
            </li>
          ))}
        </ul>
      ) : null}
      <div className={`composer-box${tooLong ? " is-invalid" : ""}`}>
        <label htmlFor="composer-input" className="sr-only">
          Message
        </label>
        <textarea
          id="composer-input"
          ref={ref}
          rows={1}
          placeholder={`Write to ${to}`}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
            if (e.target.value.trim() !== "") onTyping();
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          aria-invalid={tooLong || undefined}
          aria-describedby={`composer-help${replyTo ? ` ${id}-reply` : ""}`}
          aria-autocomplete="list"
          aria-controls={open ? `${id}-mentions` : undefined}
          aria-activedescendant={open ? optionId(activeIndex) : undefined}
          autoComplete="off"
        />
        <button
          type="button"
          className="icon-button composer-emoji"
          aria-label="Emoji"
          title="Emoji"
          aria-expanded={emojiOpen}
          aria-controls={emojiOpen ? `${id}-emoji` : undefined}
          onClick={() => setEmojiOpen((was) => !was)}
        >
          <SmileIcon />
        </button>
        <button type="submit" className="composer-send" disabled={!canSend}>
          <SendIcon />
          <span className="composer-send-label">Send</span>
        </button>
      </div>
      {emojiOpen ? (
        <div
          id={`${id}-emoji`}
          className="composer-emoji-panel"
          role="dialog"
          aria-label="Emoji picker"
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.stopPropagation();
              setEmojiOpen(false);
              ref.current?.focus();
            }
          }}
        >
          <Suspense fallback={<div className="emoji-picker-loading" aria-busy="true" />}>
            <EmojiPicker onPick={insertEmoji} autoFocus />
          </Suspense>
        </div>
      ) : null}
      <p id="composer-help" className={`composer-help${tooLong ? " is-error" : ""}`}>
        {tooLong ? (
          `${length - MAX_CHARS} characters over the ${MAX_CHARS} limit`
        ) : (
          <>
            <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · <kbd>@</kbd> to mention · <kbd>:</kbd> for emoji
          </>
        )}
      </p>
    </form>
  );
}
