// Build-time stand-in for @parley/api's entry (see build.mjs): only what a client needs.
export type { AppRouter, RouterInputs, RouterOutputs } from "../../api/src/root";
export type { Context } from "./server-context";
export type { User, Me, Role, Room, Member, Message, RoomEvent, Activity, RoomListChange, InboxEvent } from "../../db/src/types";
