/** The server's request context. Clients never see it; the published types carry `object`. */
export type Context = object;
