/** The tRPC codes a refusal may carry: the caller asked for something they may not have. */
export type RefusalCode = "BAD_REQUEST" | "FORBIDDEN" | "NOT_FOUND";

/**
 * A request refused by a rule outside the routers (access checks, permission rules): its code and
 * a message the user can act on. trpc.ts's error table turns it into a TRPCError, so services
 * need not know tRPC.
 */
export class Refused extends Error {
  override name = "Refused";

  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}
