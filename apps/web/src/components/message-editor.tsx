import { messageTextRule } from "@parley/contract/rules";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { checkField } from "../hooks/use-form";

type Props = {
  initial: string;
  busy: boolean;
  error: string | null;
  onSave: (text: string) => void;
  onCancel: () => void;
};

/** In-place editing of one's own message: Enter saves, Shift+Enter breaks the line, Escape cancels. */
export function MessageEditor({ initial, busy, error, onSave, onCancel }: Props) {
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Where the focus was (the composer, after Up): it goes back there when editing ends, saved
    // or cancelled, instead of falling to the page with the editor.
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    return () => {
      const now = document.activeElement;
      const lost = now === null || now === document.body || now === el || !now.isConnected;
      if (lost && before?.isConnected && before !== document.body) before.focus();
    };
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  function save() {
    const issue = checkField(messageTextRule, text);
    if (issue) return setProblem(issue);
    if (text.trim() === initial.trim()) return onCancel();
    onSave(text);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      onCancel();
    } else if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    }
  }

  const shown = problem ?? error;
  return (
    <div className="msg-editor">
      <textarea
        ref={ref}
        aria-label="Edit text"
        value={text}
        rows={1}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        onKeyDown={onKeyDown}
        aria-invalid={shown ? true : undefined}
      />
      <div className="msg-editor-bar">
        {shown ? <span className="field-error">{shown}</span> : <span className="msg-editor-hint">Enter to save · Esc to cancel</span>}
        <button type="button" className="button button-ghost button-sm" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button-primary button-sm" onClick={save} aria-disabled={busy || undefined}>
          Save
        </button>
      </div>
    </div>
  );
}
