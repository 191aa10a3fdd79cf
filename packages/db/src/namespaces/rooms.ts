// The `rooms` namespace of @parley/db, as its callers have always reached it: rooms, memberships,
// dms and the guard mechanism, each written in a file of its own. Listed name by name, so the
// namespace offers exactly what it did before the split (enforce stays internal).
export { createRoom, getRoom, listRooms, updateRoom } from "../rooms";
export { getAccess, getMember, getMembership, joinRoom, leaveRoom, listMembers, setRole, type Access } from "../memberships";
export { openDm } from "../dms";
export { GuardRefused, type Guard, type RoomState } from "../room-guard";
