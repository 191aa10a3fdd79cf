import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { usageError } from "./errors";

/** A signed-in session on one server. */
export type StoredSession = { token: string; username: string };

type SessionFile = { sessions: Record<string, StoredSession> };

/**
 * The canonical form of a server address (`http://host:port[/base]`), so that a token is only
 * ever sent back to the server that issued it, however the address was typed.
 */
export function serverKey(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`'${url}' is not a server address like http://127.0.0.1:3000`);
  }
  const protocol = { "http:": "http:", "ws:": "http:", "https:": "https:", "wss:": "https:" }[parsed.protocol];
  if (!protocol) throw usageError(`'${url}' is not an http(s) or ws(s) address`);
  const base = parsed.pathname.replace(/\/+$/, "").replace(/\/trpc$/, "");
  return `${protocol}//${parsed.host}${base}`;
}

/**
 * Sessions kept in `<configDir>/session.json`, one per server. The file holds bearer tokens, so
 * it is written with mode 0600 in a 0700 directory, through a temporary file and a rename so a
 * crash never leaves half a file.
 */
export class SessionStore {
  readonly file: string;

  constructor(readonly configDir: string) {
    this.file = path.join(configDir, "session.json");
  }

  private async readAll(): Promise<SessionFile> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { sessions: {} };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as Partial<SessionFile>;
      return { sessions: parsed.sessions && typeof parsed.sessions === "object" ? parsed.sessions : {} };
    } catch {
      return { sessions: {} }; // unreadable: as if signed out; the next login rewrites it
    }
  }

  private async writeAll(data: SessionFile): Promise<void> {
    await mkdir(this.configDir, { recursive: true, mode: 0o700 });
    if (Object.keys(data.sessions).length === 0) {
      await rm(this.file, { force: true });
      return;
    }
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await chmod(temp, 0o600); // whatever the umask did
    await rename(temp, this.file);
  }

  async get(server: string): Promise<StoredSession | null> {
    return (await this.readAll()).sessions[serverKey(server)] ?? null;
  }

  async set(server: string, session: StoredSession): Promise<void> {
    const data = await this.readAll();
    data.sessions[serverKey(server)] = session;
    await this.writeAll(data);
  }

  async delete(server: string): Promise<void> {
    const data = await this.readAll();
    if (!(serverKey(server) in data.sessions)) return;
    delete data.sessions[serverKey(server)];
    await this.writeAll(data);
  }
}
