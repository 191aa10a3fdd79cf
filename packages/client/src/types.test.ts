// Pins the inferred input and output type of every procedure, as a client sees them. These are
// compile-time checks: `tsc -p packages/client/tsconfig.json` (the typecheck gate) fails when
// the router's types drift from the contract (../../shared/API.md); at run time vitest only
// reports the single test below.
import type { TrackedData } from "@trpc/server/unstable-core-do-not-import";
import { describe, expectTypeOf, it } from "vitest";
import type {
  Activity,
  InboxEvent,
  ConflictField,
  Me,
  Member,
  Message,
  ParleyClient,
  ParleyErrorData,
  Reaction,
  ReadState,
  Room,
  Role,
  RoomEvent,
  RouterInputs,
  RouterOutputs,
  SearchHit,
  User,
  ValidationErrors,
} from "./index";

type Trpc = ParleyClient["trpc"];
/** An intersection as one object type, so it compares equal to the same fields written out. */
type Flat<T> = { [K in keyof T]: T[K] };
type Ok = { ok: true };
type Session = { user: Me; token: string };
type MessagePage = { messages: Message[]; nextCursor: string | null; lastEventId: string | null };

/** What a subscription's onData receives. */
type SubscriptionData<TProcedure extends { subscribe: (...args: never[]) => unknown }> = Parameters<
  NonNullable<Parameters<TProcedure["subscribe"]>[1]["onData"]>
>[0];

describe("client types", () => {
  it("are checked at compile time", () => {
    // The contract's domain types, field by field.
    // `deactivated` is Parley's own optional addition (present only for a deactivated account).
    expectTypeOf<User>().toEqualTypeOf<{ id: string; username: string; createdAt: string; deactivated?: true }>();
    expectTypeOf<Flat<Me>>().toEqualTypeOf<{ id: string; username: string; createdAt: string; deactivated?: true; email: string }>();
    expectTypeOf<Room>().toEqualTypeOf<{
      id: string;
      name: string;
      createdAt: string;
      createdBy: User;
      memberCount: number;
      joined: boolean;
      kind: "channel" | "dm";
      visibility: "public" | "private";
      topic: string;
      role: Role | null;
      peer: User | null;
      unreadCount: number;
      mentionCount: number;
      lastReadEventId: string | null;
      lastMessageAt: string | null;
    }>();
    expectTypeOf<Role>().toEqualTypeOf<"owner" | "admin" | "member">();
    expectTypeOf<Member>().toEqualTypeOf<{ user: User; joinedAt: string; online: boolean; role: Role }>();
    expectTypeOf<Message>().toEqualTypeOf<{
      id: string;
      roomId: string;
      author: User;
      text: string;
      createdAt: string;
      editedAt: string | null;
      clientMsgId: string | null;
      replyTo: { id: string; author: User; text: string } | null;
      mentions: User[];
      reactions: Reaction[];
    }>();
    expectTypeOf<Reaction>().toEqualTypeOf<{ emoji: string; userIds: string[] }>();
    expectTypeOf<RoomEvent>().toEqualTypeOf<
      | { type: "message.created"; message: Message }
      | { type: "message.updated"; message: Message }
      | { type: "message.deleted"; roomId: string; messageId: string }
      | { type: "member.joined"; roomId: string; user: User }
      | { type: "member.left"; roomId: string; user: User; by?: User }
      | { type: "member.role"; roomId: string; user: User; role: Role }
      | { type: "room.updated"; room: { id: string; name: string; topic: string; visibility: "public" | "private" } }
      | { type: "reactions.changed"; roomId: string; messageId: string; reactions: Reaction[] }
    >();
    type Unread = { unreadCount: number; mentionCount: number; lastReadEventId: string | null; lastMessageAt: string | null };
    expectTypeOf<ReadState>().toEqualTypeOf<Unread>();
    expectTypeOf<Flat<Extract<InboxEvent, { type: "room.unread" }>>>().toEqualTypeOf<
      Flat<{ type: "room.unread"; roomId: string } & Unread>
    >();
    expectTypeOf<InboxEvent["type"]>().toEqualTypeOf<"room.added" | "room.removed" | "room.unread" | "mention">();
    expectTypeOf<Extract<InboxEvent, { type: "mention" }>>().toEqualTypeOf<{ type: "mention"; roomId: string; message: Message }>();
    expectTypeOf<Activity>().toEqualTypeOf<
      | { type: "presence.snapshot"; roomId: string; online: User[] }
      | { type: "presence.online"; roomId: string; user: User }
      | { type: "presence.offline"; roomId: string; user: User }
      | { type: "typing"; roomId: string; user: User }
    >();

    // What a failed call's `error.data` carries besides tRPC's own code, httpStatus and path.
    expectTypeOf<ConflictField>().toEqualTypeOf<"username" | "email" | "name">();
    expectTypeOf<ParleyErrorData["field"]>().toEqualTypeOf<ConflictField | undefined>();
    expectTypeOf<ParleyErrorData["retryAfterMs"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ParleyErrorData["zodError"]>().toEqualTypeOf<ValidationErrors | null>();
    expectTypeOf<ValidationErrors>().toEqualTypeOf<{ formErrors: string[]; fieldErrors: Record<string, string[] | undefined> }>();

    // Exactly these procedures: adding one means pinning it here too.
    expectTypeOf<keyof RouterInputs>().toEqualTypeOf<"auth" | "user" | "room" | "message" | "dm" | "me">();
    expectTypeOf<keyof RouterInputs["auth"]>().toEqualTypeOf<
      "signup" | "login" | "logout" | "me" | "changePassword" | "sessions" | "revokeSession"
    >();
    expectTypeOf<keyof RouterInputs["user"]>().toEqualTypeOf<"get" | "search">();
    expectTypeOf<keyof RouterInputs["dm"]>().toEqualTypeOf<"open">();
    expectTypeOf<keyof RouterInputs["me"]>().toEqualTypeOf<"events">();
    expectTypeOf<keyof RouterInputs["room"]>().toEqualTypeOf<
      | "create"
      | "list"
      | "get"
      | "join"
      | "leave"
      | "members"
      | "typing"
      | "events"
      | "activity"
      | "feed"
      | "update"
      | "addMember"
      | "removeMember"
      | "setRole"
      | "markRead"
    >();
    expectTypeOf<keyof RouterInputs["message"]>().toEqualTypeOf<"send" | "list" | "edit" | "delete" | "react" | "unreact" | "search">();

    // auth
    expectTypeOf<RouterInputs["auth"]["signup"]>().toEqualTypeOf<{ username: string; email: string; password: string }>();
    expectTypeOf<RouterOutputs["auth"]["signup"]>().toEqualTypeOf<Session>();
    expectTypeOf<Trpc["auth"]["signup"]["mutate"]>().returns.resolves.toEqualTypeOf<Session>();
    expectTypeOf<RouterInputs["auth"]["login"]>().toEqualTypeOf<{ login: string; password: string }>();
    expectTypeOf<RouterOutputs["auth"]["login"]>().toEqualTypeOf<Session>();
    expectTypeOf<Trpc["auth"]["login"]["mutate"]>().returns.resolves.toEqualTypeOf<Session>();
    expectTypeOf<RouterInputs["auth"]["logout"]>().toEqualTypeOf<void>();
    expectTypeOf<RouterOutputs["auth"]["logout"]>().toEqualTypeOf<Ok>();
    expectTypeOf<Trpc["auth"]["logout"]["mutate"]>().returns.resolves.toEqualTypeOf<Ok>();
    expectTypeOf<RouterInputs["auth"]["me"]>().toEqualTypeOf<void>();
    expectTypeOf<RouterOutputs["auth"]["me"]>().toEqualTypeOf<Me>();
    expectTypeOf<Trpc["auth"]["me"]["query"]>().returns.resolves.toEqualTypeOf<Me>();
    expectTypeOf<RouterInputs["auth"]["changePassword"]>().toEqualTypeOf<{ currentPassword: string; newPassword: string }>();
    expectTypeOf<RouterOutputs["auth"]["changePassword"]>().toEqualTypeOf<Ok>();
    expectTypeOf<RouterInputs["auth"]["sessions"]>().toEqualTypeOf<void>();
    expectTypeOf<RouterOutputs["auth"]["sessions"]>().toEqualTypeOf<
      {
        id: string;
        createdAt: string;
        lastSeenAt: string;
        userAgent: string | null;
        current: boolean;
        // v3, optional: older servers do not send them.
        device?: string;
        browserVersion?: string | null;
        address?: string | null;
      }[]
    >();
    expectTypeOf<RouterInputs["auth"]["revokeSession"]>().toEqualTypeOf<{ sessionId: string }>();
    expectTypeOf<RouterOutputs["auth"]["revokeSession"]>().toEqualTypeOf<Ok>();

    // user
    expectTypeOf<RouterInputs["user"]["get"]>().toEqualTypeOf<{ username: string }>();
    expectTypeOf<RouterOutputs["user"]["get"]>().toEqualTypeOf<User>();
    expectTypeOf<Trpc["user"]["get"]["query"]>().returns.resolves.toEqualTypeOf<User>();
    expectTypeOf<RouterInputs["user"]["search"]>().toEqualTypeOf<{ query: string; limit?: number }>();
    expectTypeOf<RouterOutputs["user"]["search"]>().toEqualTypeOf<User[]>();

    // dm and me
    expectTypeOf<RouterInputs["dm"]["open"]>().toEqualTypeOf<{ username: string }>();
    expectTypeOf<RouterOutputs["dm"]["open"]>().toEqualTypeOf<Room>();
    expectTypeOf<RouterInputs["me"]["events"]>().toEqualTypeOf<void | Record<string, never> | undefined>();
    expectTypeOf<SubscriptionData<Trpc["me"]["events"]>>().toEqualTypeOf<InboxEvent>();

    // room
    expectTypeOf<RouterInputs["room"]["create"]>().toEqualTypeOf<{
      name: string;
      visibility?: "public" | "private";
      topic?: string;
    }>();
    expectTypeOf<RouterInputs["room"]["update"]>().toEqualTypeOf<{
      roomId: string;
      name?: string;
      topic?: string;
      visibility?: "public" | "private";
    }>();
    expectTypeOf<RouterOutputs["room"]["update"]>().toEqualTypeOf<Room>();
    expectTypeOf<RouterInputs["room"]["addMember"]>().toEqualTypeOf<{ roomId: string; username: string }>();
    expectTypeOf<RouterOutputs["room"]["addMember"]>().toEqualTypeOf<Member>();
    expectTypeOf<RouterInputs["room"]["removeMember"]>().toEqualTypeOf<{ roomId: string; username: string }>();
    expectTypeOf<RouterOutputs["room"]["removeMember"]>().toEqualTypeOf<Ok>();
    expectTypeOf<RouterInputs["room"]["setRole"]>().toEqualTypeOf<{ roomId: string; username: string; role: "admin" | "member" }>();
    expectTypeOf<RouterOutputs["room"]["setRole"]>().toEqualTypeOf<Member>();
    expectTypeOf<RouterOutputs["room"]["create"]>().toEqualTypeOf<Room>();
    expectTypeOf<Trpc["room"]["create"]["mutate"]>().returns.resolves.toEqualTypeOf<Room>();
    expectTypeOf<RouterInputs["room"]["list"]>().toEqualTypeOf<void>();
    expectTypeOf<RouterOutputs["room"]["list"]>().toEqualTypeOf<Room[]>();
    expectTypeOf<Trpc["room"]["list"]["query"]>().returns.resolves.toEqualTypeOf<Room[]>();
    expectTypeOf<RouterInputs["room"]["get"]>().toEqualTypeOf<{ roomId: string }>();
    expectTypeOf<RouterOutputs["room"]["get"]>().toEqualTypeOf<Room>();
    expectTypeOf<Trpc["room"]["get"]["query"]>().returns.resolves.toEqualTypeOf<Room>();
    expectTypeOf<RouterInputs["room"]["join"]>().toEqualTypeOf<{ roomId: string }>();
    expectTypeOf<RouterOutputs["room"]["join"]>().toEqualTypeOf<Room>();
    expectTypeOf<Trpc["room"]["join"]["mutate"]>().returns.resolves.toEqualTypeOf<Room>();
    expectTypeOf<RouterInputs["room"]["leave"]>().toEqualTypeOf<{ roomId: string }>();
    expectTypeOf<RouterOutputs["room"]["leave"]>().toEqualTypeOf<Ok>();
    expectTypeOf<Trpc["room"]["leave"]["mutate"]>().returns.resolves.toEqualTypeOf<Ok>();
    expectTypeOf<RouterInputs["room"]["members"]>().toEqualTypeOf<{ roomId: string }>();
    expectTypeOf<RouterOutputs["room"]["members"]>().toEqualTypeOf<Member[]>();
    expectTypeOf<Trpc["room"]["members"]["query"]>().returns.resolves.toEqualTypeOf<Member[]>();
    expectTypeOf<RouterInputs["room"]["typing"]>().toEqualTypeOf<{ roomId: string }>();
    expectTypeOf<RouterOutputs["room"]["typing"]>().toEqualTypeOf<Ok>();
    expectTypeOf<Trpc["room"]["typing"]["mutate"]>().returns.resolves.toEqualTypeOf<Ok>();
    expectTypeOf<RouterInputs["room"]["events"]>().toEqualTypeOf<{ roomId: string; lastEventId?: string | null }>();
    // Every room event arrives with its id, which is what resuming sends back as lastEventId.
    expectTypeOf<SubscriptionData<Trpc["room"]["events"]>>().toEqualTypeOf<TrackedData<RoomEvent>>();
    expectTypeOf<SubscriptionData<Trpc["room"]["events"]>>().toEqualTypeOf<{ id: string; data: RoomEvent }>();
    expectTypeOf<RouterInputs["room"]["activity"]>().toEqualTypeOf<{ roomId: string }>();
    expectTypeOf<SubscriptionData<Trpc["room"]["activity"]>>().toEqualTypeOf<Activity>();
    // An empty object, or nothing.
    expectTypeOf<RouterInputs["room"]["feed"]>().toEqualTypeOf<void | Record<string, never> | undefined>();
    expectTypeOf<SubscriptionData<Trpc["room"]["feed"]>>().toEqualTypeOf<{
      type: "room.created" | "room.membership" | "room.updated";
      roomId: string;
    }>();

    // message
    expectTypeOf<RouterInputs["message"]["send"]>().toEqualTypeOf<{
      roomId: string;
      text: string;
      clientMsgId?: string;
      replyToId?: string;
    }>();
    expectTypeOf<RouterOutputs["message"]["send"]>().toEqualTypeOf<Message>();
    expectTypeOf<Trpc["message"]["send"]["mutate"]>().returns.resolves.toEqualTypeOf<Message>();
    expectTypeOf<RouterInputs["message"]["list"]>().toEqualTypeOf<{
      roomId: string;
      before?: string | null;
      limit?: number;
    }>();
    expectTypeOf<RouterOutputs["message"]["list"]>().toEqualTypeOf<MessagePage>();
    expectTypeOf<Trpc["message"]["list"]["query"]>().returns.resolves.toEqualTypeOf<MessagePage>();
    expectTypeOf<RouterInputs["message"]["edit"]>().toEqualTypeOf<{ messageId: string; text: string }>();
    expectTypeOf<RouterOutputs["message"]["edit"]>().toEqualTypeOf<Message>();
    expectTypeOf<Trpc["message"]["edit"]["mutate"]>().returns.resolves.toEqualTypeOf<Message>();
    expectTypeOf<RouterInputs["message"]["delete"]>().toEqualTypeOf<{ messageId: string }>();
    expectTypeOf<RouterOutputs["message"]["delete"]>().toEqualTypeOf<Ok>();
    expectTypeOf<Trpc["message"]["delete"]["mutate"]>().returns.resolves.toEqualTypeOf<Ok>();

    // reading (v2)
    expectTypeOf<RouterInputs["room"]["markRead"]>().toEqualTypeOf<{ roomId: string; eventId: string }>();
    expectTypeOf<RouterOutputs["room"]["markRead"]>().toEqualTypeOf<{
      unreadCount: number;
      mentionCount: number;
      lastReadEventId: string | null;
    }>();
    expectTypeOf<RouterInputs["message"]["react"]>().toEqualTypeOf<{ messageId: string; emoji: string }>();
    expectTypeOf<RouterOutputs["message"]["react"]>().toEqualTypeOf<{ reactions: Reaction[] }>();
    expectTypeOf<RouterInputs["message"]["unreact"]>().toEqualTypeOf<{ messageId: string; emoji: string }>();
    expectTypeOf<RouterOutputs["message"]["unreact"]>().toEqualTypeOf<{ reactions: Reaction[] }>();
    expectTypeOf<RouterInputs["message"]["search"]>().toEqualTypeOf<{
      query: string;
      roomId?: string;
      before?: string | null;
      limit?: number;
    }>();
    expectTypeOf<RouterOutputs["message"]["search"]>().toEqualTypeOf<{ hits: SearchHit[]; nextCursor: string | null }>();
    expectTypeOf<SearchHit>().toEqualTypeOf<{ message: Message; roomName: string }>();

    // Wrong inputs do not compile.
    expectTypeOf<Trpc["room"]["create"]["mutate"]>().toBeCallableWith({ name: "general" });
    // @ts-expect-error the room's name is `name`
    expectTypeOf<Trpc["room"]["create"]["mutate"]>().toBeCallableWith({ title: "general" });
    // @ts-expect-error limit is a number
    expectTypeOf<Trpc["message"]["list"]["query"]>().toBeCallableWith({ roomId: "r", limit: "10" });
    // @ts-expect-error text is required
    expectTypeOf<Trpc["message"]["send"]["mutate"]>().toBeCallableWith({ roomId: "r" });
  });
});
