// The `reading` namespace of @parley/db, as its callers have always reached it: read state,
// mentions, reply targets, reactions and search, each written in a file of its own.
export * from "../read-state";
export { resolveMentions } from "../mentions";
export { replyTarget } from "../replies";
export { MAX_EMOJI, setReaction, TooManyReactionsError } from "../reactions";
export { searchMessages } from "../search";
