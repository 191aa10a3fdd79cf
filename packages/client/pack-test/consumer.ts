// An app outside the monorepo that installed the packed @parley/client with npm. The pack test
// (scripts/test-client-pack.mjs) type-checks it with `tsc --strict` against the published
// declarations, then runs it against a live server: `node consumer.js <server url>`.
// Every `@ts-expect-error` must be an error, so loose (any) types fail the check.
import {
  createParleyClient,
  errorCode,
  errorField,
  type Activity,
  type ConnectionState,
  type Me,
  type Member,
  type Message,
  type Room,
  type RoomEvent,
  type RouterInputs,
  type RouterOutputs,
  type User,
} from "@parley/client";
// No import of @trpc/client here: this file must type-check with skipLibCheck off, and
// @trpc/client's own declarations do not (see trpc-http.ts, which uses tRPC's client directly).

const url = process.argv[2];
if (!url) throw new Error("usage: node consumer.js <server url>");
const deadline = setTimeout(() => fail("timed out"), 20_000);

function fail(message: string): never {
  console.error(`consumer: ${message}`);
  process.exit(1);
}
function check(condition: boolean, message: string): void {
  if (!condition) fail(message);
}

// --- compile-time checks: wrong inputs and wrong uses of outputs do not compile ---------------
// (The lint cannot type what does not compile; these lines are meant not to.)
/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment */
function typeChecks(trpc: ReturnType<typeof createParleyClient>["trpc"], room: Room, message: Message) {
  // @ts-expect-error the room's name is `name`, not `title`
  void trpc.room.create.mutate({ title: "general" });
  // @ts-expect-error text is required
  void trpc.message.send.mutate({ roomId: room.id });
  // @ts-expect-error limit is a number
  void trpc.message.list.query({ roomId: room.id, limit: "10" });
  // @ts-expect-error signup needs a password
  void trpc.auth.signup.mutate({ username: "ada", email: "ada@example.com" });
  // @ts-expect-error room ids are strings
  trpc.room.events.subscribe({ roomId: 42 }, {});
  // @ts-expect-error there is no such procedure
  void trpc.room.rename.mutate({ roomId: room.id, name: "x" });
  // @ts-expect-error outputs are typed, not any: a name is a string
  const count: number = room.name;
  // @ts-expect-error editedAt may be null
  const edited: string = message.editedAt;
  // @ts-expect-error Me has an email, User does not
  const email: string = message.author.email;
  const input: RouterInputs["message"]["send"] = { roomId: room.id, text: "typed input" };
  const events: RouterInputs["room"]["events"] = { roomId: room.id, lastEventId: null };
  return [count, edited, email, input, events];
}
/* eslint-enable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment */

function describeEvent(event: RoomEvent): string {
  switch (event.type) {
    case "message.created":
    case "message.updated":
      return `${event.type} ${event.message.id}`;
    case "message.deleted":
      return `${event.type} ${event.messageId}`;
    case "member.joined":
    case "member.left":
    case "member.role":
      return `${event.type} ${event.user.username}`;
    case "room.updated":
      return `${event.type} ${event.room.name}`;
    case "reactions.changed":
      return `${event.type} ${event.messageId}`;
  }
}

// --- against the live server -----------------------------------------------------------------
const username = `pack_${Math.random().toString(36).slice(2, 10)}`;
const anonymous = createParleyClient({ url });
const signedUp: RouterOutputs["auth"]["signup"] = await anonymous.trpc.auth.signup.mutate({
  username,
  email: `${username}@example.com`,
  password: "correct horse battery",
});
await anonymous.close();
const token = signedUp.token;

const states: ConnectionState[] = [];
const client = createParleyClient({ url, token: () => token, onConnectionStateChange: (s) => states.push(s) });
const me: Me = await client.trpc.auth.me.query();
check(me.username === username && me.email === `${username}@example.com`, "auth.me returned someone else");

const room: Room = await client.trpc.room.create.mutate({ name: `Pack test ${username}` });
check(room.joined && room.memberCount === 1 && room.createdBy.id === me.id, "room.create returned a wrong room");

// Subscribe first and wait for `started`: every event after that must arrive.
const received: { id: string; event: RoomEvent }[] = [];
let messageArrived: (id: string) => void = () => {};
const arrival = new Promise<string>((resolve) => (messageArrived = resolve));
await new Promise<void>((started, failed) => {
  client.trpc.room.events.subscribe(
    { roomId: room.id },
    {
      onStarted: () => started(),
      onError: (error) => failed(error),
      onData: ({ id, data }) => {
        received.push({ id, event: data });
        if (data.type === "message.created") messageArrived(data.message.id);
      },
    },
  );
});
const snapshot = new Promise<Activity>((resolve) => {
  const subscription = client.trpc.room.activity.subscribe(
    { roomId: room.id },
    {
      onData: (activity) => {
        resolve(activity);
        subscription.unsubscribe();
      },
    },
  );
});

const sent: Message = await client.trpc.message.send.mutate({ roomId: room.id, text: "  hello from npm  ", clientMsgId: "m1" });
check(sent.text === "hello from npm" && sent.author.id === me.id, "message.send returned a wrong message");
check((await arrival) === sent.id, "room.events delivered a different message");
const first = received[0];
check(
  received.length === 1 && first !== undefined && /^\d+$/.test(first.id),
  `unexpected events: ${received.map((r) => describeEvent(r.event)).join(", ")}`,
);

const activity = await snapshot;
check(
  activity.type === "presence.snapshot" && activity.online.some((u: User) => u.id === me.id),
  "room.activity did not start with a snapshot",
);
const members: Member[] = await client.trpc.room.members.query({ roomId: room.id });
check(members.length === 1 && members[0]?.user.id === me.id, "room.members is wrong");
const page = await client.trpc.message.list.query({ roomId: room.id, limit: 10 });
check(page.messages.length === 1 && page.lastEventId === first?.id, "message.list disagrees with room.events");
check(
  errorCode(await client.trpc.room.get.query({ roomId: "no-such-room" }).catch((e: unknown) => e)) === "NOT_FOUND",
  "room.get of an unknown room is not NOT_FOUND",
);
const taken = await client.trpc.room.create.mutate({ name: room.name }).catch((e: unknown) => e);
check(errorCode(taken) === "CONFLICT" && errorField(taken) === "name", "room.create with a taken name is not a CONFLICT about its name");
check(states.includes("open"), `connection states: ${states.join(", ")}`);

await client.close();
clearTimeout(deadline);
void typeChecks;
console.log(`consumer: ok (signed up ${username}, room ${room.id}, message ${sent.id} as event ${first?.id})`);
