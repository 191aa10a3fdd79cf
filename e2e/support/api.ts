import { randomBytes } from "node:crypto";

// Talks to the server directly over tRPC's HTTP transport, to set up what a test needs faster
// than a browser could (a user, a hundred messages). Everything the test checks goes through
// the browser.

/** A name no other test (or earlier run) uses: `prefix` plus random letters. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

export const PASSWORD = "correct horse battery staple";

type TrpcResponse<T> = { result?: { data: T }; error?: { message: string; data?: { code?: string } } };

/** Calls a mutation over HTTP; throws with the server's message on error. */
export async function call<T>(baseUrl: string, procedure: string, input: unknown, token?: string): Promise<T> {
  const response = await fetch(`${baseUrl}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input ?? null),
  });
  return unwrap<T>(procedure, response);
}

/** Calls a query over HTTP (GET); throws with the server's message on error. */
export async function query<T>(baseUrl: string, procedure: string, input: unknown, token?: string): Promise<T> {
  const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${baseUrl}/trpc/${procedure}${search}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return unwrap<T>(procedure, response);
}

async function unwrap<T>(procedure: string, response: Response): Promise<T> {
  const body = (await response.json()) as TrpcResponse<T>;
  if (body.error || !body.result) throw new Error(`${procedure}: ${body.error?.message ?? response.status}`);
  return body.result.data;
}

export type ApiUser = { username: string; email: string; token: string };

/** Signs up a fresh user over HTTP. */
export async function signUpApi(baseUrl: string, prefix: string): Promise<ApiUser> {
  const username = uniqueName(prefix);
  const email = `${username}@example.com`;
  const { token } = await call<{ token: string }>(baseUrl, "auth.signup", { username, email, password: PASSWORD });
  return { username, email, token };
}
