/**
 * A random id for one message the user sends. It travels with every attempt of that send, so
 * the server stores the message once however many retries reach it. `crypto.randomUUID` needs
 * a secure context; `getRandomValues` works on plain http too.
 */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === "function" && globalThis.isSecureContext !== false) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
