// @parley/db: the only package that knows Prisma. It opens the database (PGlite or PostgreSQL),
// applies migrations and offers repository functions that return the domain types of
// @parley/contract (mapped from Prisma's rows in mappers.ts).
export { openDatabase, type Database, type DatabaseObservers, type DatabaseOptions, type SqlRunner } from "./database";
export { applyMigrations } from "./migrate";
export { isDatabaseUnavailable, UniqueViolationError } from "./errors";
export * as users from "./users";
export * as sessions from "./sessions";
export * as rooms from "./namespaces/rooms";
export * as messages from "./messages";
export * as events from "./events";
export * as admin from "./admin";
export { MessageGoneError, UnknownCursorError, type MessageDraft, type SendOutcome } from "./messages";
export type { SessionRecord } from "./sessions";
export type { StoredRoomEvent } from "./events";
export * as reading from "./namespaces/reading";
export { TooManyReactionsError } from "./reactions";
