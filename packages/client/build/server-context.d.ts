/** The server's request context. Clients never see it; the published types carry `object`. */
export type Context = object;
/** The socket a call came on (server side only); the router's middleware mentions its type. */
export type CallSocket = object;
