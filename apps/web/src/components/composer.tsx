import { codePoints } from "@parley/contract";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { SendIcon } from "./icons";
import "./composer.css";

/** Longest message the server takes, in code points after trimming. */
const MAX_CHARS = 4000;

type Props = {
  /** Where the message goes, as running text names it (`#general`, `leo`). */
  to: string;
  onSend: (text: string) => void;
  onTyping: () => void;
  /** Arrow Up in an empty composer: edit your last message. */
  onEditLast?: () => void;
};

/** "Message" and "Send": Enter sends, Shift+Enter starts a new line. */
export function Composer({ to, onSend, onTyping, onEditLast }: Props) {
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = codePoints(text.trim());
  const tooLong = length > MAX_CHARS;
  const canSend = length > 0 && !tooLong;

  // Opening a room puts the cursor in the composer, as chat apps do; not on phones, where
  // that would throw the keyboard over the conversation.
  useEffect(() => {
    if (window.matchMedia?.("(min-width: 721px)").matches) ref.current?.focus();
  }, []);

  // Grow with the text up to a limit, then scroll inside.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  function send() {
    if (!canSend) return;
    onSend(text);
    setText("");
    ref.current?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) must not send.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "ArrowUp" && text === "" && onEditLast) {
      event.preventDefault();
      onEditLast();
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
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
            if (e.target.value.trim() !== "") onTyping();
          }}
          onKeyDown={onKeyDown}
          aria-invalid={tooLong || undefined}
          aria-describedby="composer-help"
          autoComplete="off"
        />
        <button type="submit" className="composer-send" disabled={!canSend}>
          <SendIcon />
          <span className="composer-send-label">Send</span>
        </button>
      </div>
      <p id="composer-help" className={`composer-help${tooLong ? " is-error" : ""}`}>
        {tooLong ? (
          `${length - MAX_CHARS} characters over the ${MAX_CHARS} limit`
        ) : (
          <>
            <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
          </>
        )}
      </p>
    </form>
  );
}
