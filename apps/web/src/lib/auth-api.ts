import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter, Me } from "@parley/client";
import type { LoginInput, SignupInput } from "@parley/contract";

/** The three calls that set or clear the session cookie; they must go over HTTP. */
export type AuthApi = {
  signUp(input: SignupInput): Promise<Me>;
  logIn(input: LoginInput): Promise<Me>;
  logOut(): Promise<void>;
};

/**
 * Auth over HTTP against `origin`. The server answers with the session token too; it is
 * dropped on purpose: the HttpOnly cookie is the session, and script never holds it.
 */
export function createAuthApi(origin: string): AuthApi {
  const http = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${origin}/trpc`, fetch: (url, init) => fetch(url, { ...init, credentials: "same-origin" }) })],
  });
  return {
    async signUp(input) {
      const { user } = await http.auth.signup.mutate(input);
      return user;
    },
    async logIn(input) {
      const { user } = await http.auth.login.mutate(input);
      return user;
    },
    async logOut() {
      await http.auth.logout.mutate();
    },
  };
}
