import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { SearchHit } from "@parley/client";
import { useDebouncedValue } from "../hooks/use-debounced-value";
import { messageOf } from "../lib/errors";
import { requestFocus } from "../lib/focus-request";
import { navigate, roomPath } from "../lib/router";
import { useTRPC, useTRPCClient } from "../lib/trpc";
import { SearchIcon } from "./icons";
import { SearchResults } from "./search-results";
import "./search.css";

/** How long typing must pause before the search goes out. */
export const MESSAGE_SEARCH_DEBOUNCE_MS = 300;
const PAGE = 20;

type SearchPage = { hits: SearchHit[]; nextCursor: string | null };

/**
 * "Search messages", at the top of the sidebar: every word typed must occur in a message of a
 * room the user is in (message.search). Results drop down under the box, newest first, with
 * "More results" for the next page; choosing one opens its room at that message. Escape or a
 * click elsewhere closes them.
 */
export function SearchBox() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const id = useId();
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [submitted, setSubmitted] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const typed = text.trim();
  const debounced = useDebouncedValue(typed, MESSAGE_SEARCH_DEBOUNCE_MS);
  // Enter searches at once; otherwise the search follows the typing once it pauses.
  const query = submitted === typed ? typed : debounced;

  const rooms = useQuery(trpc.room.list.queryOptions(undefined, { enabled: false }));
  const search = useInfiniteQuery<SearchPage, Error, { pages: SearchPage[] }, readonly unknown[], string | null>({
    queryKey: ["message-search", query],
    queryFn: ({ pageParam }) => client.message.search.query({ query, before: pageParam, limit: PAGE }),
    initialPageParam: null,
    getNextPageParam: (page) => page.nextCursor,
    enabled: open && query.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const hits = search.data?.pages.flatMap((page) => page.hits) ?? [];

  // A click anywhere outside the box and its results closes them.
  useEffect(() => {
    if (!open) return;
    const onDown = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(typed);
    setOpen(true);
  }

  function choose(hit: SearchHit) {
    setOpen(false);
    requestFocus(hit.message.roomId, hit.message.id);
    navigate(roomPath(hit.message.roomId));
  }

  const kindOf = (roomId: string) => rooms.data?.find((room) => room.id === roomId)?.kind ?? "channel";
  const showing = open && query.length > 0;
  const status = !showing
    ? ""
    : search.isError
      ? messageOf(search.error)
      : search.isPending
        ? "Searching…"
        : hits.length === 0
          ? `No messages with "${query}"`
          : `${hits.length}${search.hasNextPage ? "+" : ""} ${hits.length === 1 ? "message" : "messages"} found`;

  return (
    <div
      ref={box}
      className="search"
      role="search"
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          event.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <form onSubmit={submit}>
        <label htmlFor={`${id}-q`} className="sr-only">
          Search messages
        </label>
        <span className="search-icon" aria-hidden="true">
          <SearchIcon />
        </span>
        <input
          id={`${id}-q`}
          type="text"
          className="search-input"
          placeholder="Search messages"
          autoComplete="off"
          maxLength={200}
          value={text}
          aria-describedby={`${id}-status`}
          onFocus={() => setOpen(true)}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
          }}
        />
      </form>
      <div className={`search-panel${showing ? " is-open" : ""}`} hidden={!showing}>
        <p id={`${id}-status`} className="search-status" aria-live="polite">
          {status}
        </p>
        {showing && hits.length > 0 ? <SearchResults query={query} hits={hits} kindOf={kindOf} onOpen={choose} /> : null}
        {showing && search.hasNextPage ? (
          <button
            type="button"
            className="link-button search-more"
            aria-disabled={search.isFetchingNextPage || undefined}
            onClick={() => {
              if (!search.isFetchingNextPage) void search.fetchNextPage();
            }}
          >
            {search.isFetchingNextPage ? "Loading…" : "More results"}
          </button>
        ) : null}
      </div>
    </div>
  );
}
