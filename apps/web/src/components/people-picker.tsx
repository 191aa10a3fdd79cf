import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { User } from "@parley/client";
import { useDebouncedValue } from "../hooks/use-debounced-value";
import { messageOf } from "../lib/errors";
import { useTRPC } from "../lib/trpc";
import { Avatar } from "./avatar";
import "./people-picker.css";

/** How long typing must pause before the search goes out. */
export const SEARCH_DEBOUNCE_MS = 200;
const RESULTS = 8;

type PeoplePickerProps = {
  /** What choosing someone does (add them, open a dm); the picker shows a failure's message. */
  onPick: (username: string) => Promise<unknown>;
  /** People not to offer (already members, yourself). */
  exclude?: ReadonlySet<string>;
  /** A word or two under the box. */
  hint?: string;
  /** Puts the cursor in the box when the picker appears and whenever this changes. */
  focusKey?: number;
};

/**
 * "Search people": usernames that start with what is typed (user.search, once typing pauses),
 * each a button that picks that person. Enter picks the exact name typed, else the first
 * result, else the text as typed (the server says if there is nobody of that name); arrow keys
 * move between the results.
 */
export function PeoplePicker({ onPick, exclude, hint, focusKey }: PeoplePickerProps) {
  const trpc = useTRPC();
  const id = useId();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  // Shown in answer to a click ("Add people", "New message"): the typing goes here.
  useEffect(() => {
    if (focusKey !== undefined) inputRef.current?.focus();
  }, [focusKey]);

  const query = text.trim();
  const settled = useDebouncedValue(query, SEARCH_DEBOUNCE_MS);
  const search = useQuery(
    trpc.user.search.queryOptions(
      { query: settled, limit: RESULTS },
      { enabled: settled.length > 0, placeholderData: keepPreviousData, staleTime: 30_000 },
    ),
  );
  const found = settled.length > 0 ? (search.data ?? []) : [];
  const people = found.filter((user) => !exclude?.has(user.id));
  // Results of an earlier query stay on screen while the next loads, but never decide Enter.
  const current = settled === query && !search.isPlaceholderData && !search.isFetching;

  async function pick(username: string) {
    if (picking) return;
    setPicking(true);
    setError(null);
    try {
      await onPick(username);
      setText("");
      inputRef.current?.focus();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setPicking(false);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!query) return;
    const exact = people.find((user) => user.username.toLowerCase() === query.toLowerCase());
    const chosen: User | undefined = current ? (exact ?? people[0]) : exact;
    void pick(chosen?.username ?? query);
  }

  /** Up and down move through the box and the results. */
  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const stops = [inputRef.current, ...(listRef.current?.querySelectorAll("button") ?? [])].filter(Boolean);
    const at = stops.indexOf(document.activeElement as HTMLInputElement | HTMLButtonElement);
    const next = stops[at + (event.key === "ArrowDown" ? 1 : -1)];
    if (at < 0 || !next) return;
    event.preventDefault();
    next.focus();
  }

  const status = !settled
    ? ""
    : search.isPending
      ? "Searching…"
      : people.length === 0
        ? `Nobody ${found.length > 0 ? "else " : ""}whose name starts with "${settled}"`
        : `${people.length} ${people.length === 1 ? "person" : "people"} found`;

  return (
    <div className="picker" onKeyDown={onKeyDown}>
      <form onSubmit={submit} noValidate>
        <label htmlFor={`${id}-search`} className="sr-only">
          Search people
        </label>
        <input
          ref={inputRef}
          id={`${id}-search`}
          type="text"
          className="picker-input"
          placeholder="Search people by username"
          autoComplete="off"
          spellCheck={false}
          maxLength={32}
          value={text}
          aria-describedby={`${id}-status${error ? ` ${id}-error` : ""}`}
          aria-invalid={error ? true : undefined}
          onChange={(event) => {
            setText(event.target.value);
            setError(null);
          }}
        />
      </form>
      {error ? (
        <p id={`${id}-error`} className="field-error picker-error" role="alert">
          {error}
        </p>
      ) : hint && !settled ? (
        <p className="field-hint picker-hint">{hint}</p>
      ) : null}
      <p id={`${id}-status`} className="picker-status" aria-live="polite">
        {status}
      </p>
      {people.length > 0 ? (
        <ul ref={listRef} className="picker-results" aria-label="Search results" aria-busy={picking || undefined}>
          {people.map((user) => (
            <li key={user.id}>
              <button type="button" className="picker-option" onClick={() => void pick(user.username)}>
                <Avatar name={user.username} size="sm" />
                <span>{user.username}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
