import { pino, type Logger } from "pino";

// One logger for the whole server (issue 12.2): the server makes it (apps/server/src/logger.ts)
// and hands it to every part through ApiDeps; each HTTP request and WebSocket connection gets a
// child carrying its id (Context.log). Never log a call's input, a token, a cookie or a message's
// text: log ids, paths and outcomes.

export type { Logger } from "pino";

/** A logger that writes nothing (unit tests, tools). */
export const silentLogger: Logger = pino({ level: "silent" });
