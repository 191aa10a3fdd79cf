import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

const FALLBACK_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title></head>
<body><h1>Parley</h1><p>The server is running, but the web app has not been built (run <code>pnpm build</code>).</p></body></html>`;

async function fileAt(file: string): Promise<{ size: number } | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size } : null;
  } catch {
    return null;
  }
}

/**
 * Serves the web app's build from `root`: files as they are, anything else as index.html (the
 * app routes on the client). Hashed assets under /assets/ are cached for a year.
 */
export function createStaticHandler(root: string) {
  const resolvedRoot = path.resolve(root);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const candidate = path.resolve(resolvedRoot, `.${pathname}`);
    const inside = candidate === resolvedRoot || candidate.startsWith(resolvedRoot + path.sep);
    let file = inside ? candidate : null;
    let info = file ? await fileAt(file) : null;
    if (!info) {
      file = path.join(resolvedRoot, "index.html");
      info = await fileAt(file);
    }
    if (!file || !info) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(FALLBACK_PAGE);
      return;
    }
    const isAsset = pathname.startsWith("/assets/");
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-length": info.size,
      "cache-control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}
