// The packed AppRouter with tRPC's own client and links (plain HTTP, Bearer token), in an app
// outside the monorepo: `node trpc-http.js <server url>`. The pack test type-checks this file with
// skipLibCheck only: @trpc/client's own declarations (its wsLink, via @trpc/server's ws adapter)
// do not check without it, in any app that imports @trpc/client. @parley/client's declarations
// do not load them, so consumer.ts is also checked with skipLibCheck off.
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter, Me } from "@parley/client";

const url = process.argv[2];
if (!url) throw new Error("usage: node trpc-http.js <server url>");

const username = `http_${Math.random().toString(36).slice(2, 10)}`;
const anonymous = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/trpc` })] });
const { token } = await anonymous.auth.signup.mutate({ username, email: `${username}@example.com`, password: "correct horse battery" });

const http = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: `${url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
});
const me: Me = await http.auth.me.query();
if (me.username !== username) {
  console.error("trpc-http: auth.me over HTTP returned someone else");
  process.exit(1);
}
console.log(`trpc-http: ok (signed up ${username} over HTTP)`);
