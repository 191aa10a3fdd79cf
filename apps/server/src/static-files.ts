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

/** Content codings the build precompresses (apps/web/precompress.ts), best first. */
const CODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

/**
 * The codings an Accept-Encoding header accepts (q > 0), by name. `*` accepts any coding not
 * named; `identity` needs no entry (it is always acceptable here).
 */
export function acceptedCodings(header: string | string[] | undefined): Set<string> {
  const accepted = new Set<string>();
  const refused = new Set<string>();
  let wildcard = false;
  for (const part of (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",")) {
    const [rawName, ...params] = part.trim().toLowerCase().split(";");
    const name = rawName?.trim();
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    const ok = Number.isFinite(weight) && weight > 0;
    if (name === "*") wildcard = ok;
    else if (ok) accepted.add(name);
    else refused.add(name);
  }
  if (wildcard) for (const { name } of CODINGS) if (!refused.has(name)) accepted.add(name);
  return accepted;
}

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
 * app routes on the client). Hashed assets under /assets/ are cached for a year, immutable.
 * When the build holds a precompressed copy (file.br, file.gz) that the request's
 * Accept-Encoding accepts, that copy is sent instead, Brotli first: nothing is compressed per
 * request, and index.html (the HTML every visit starts with) is compressed too.
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
    const isAsset = pathname.startsWith("/assets/") && file !== path.join(resolvedRoot, "index.html");
    const accepted = acceptedCodings(req.headers["accept-encoding"]);
    let body = file;
    let size = info.size;
    let encoding: string | null = null;
    for (const coding of CODINGS) {
      if (!accepted.has(coding.name)) continue;
      const copy = await fileAt(file + coding.suffix);
      if (!copy) continue;
      body = file + coding.suffix;
      size = copy.size;
      encoding = coding.name;
      break;
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-length": size,
      "cache-control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
      // Caches must keep one copy per coding; a file with no compressed copy still varies.
      vary: "accept-encoding",
      ...(encoding ? { "content-encoding": encoding } : {}),
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(body).pipe(res);
  };
}
