import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptedCodings, createStaticHandler } from "./static-files";

const script = "export const greeting = 'hello';\n".repeat(100);
let dir: string;
let server: http.Server;
let base: string;

/** GET through node:http, which (unlike fetch) leaves the body as the server sent it. */
function get(pathname: string, acceptEncoding?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${base}${pathname}`,
      { headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "parley-static-"));
  await mkdir(path.join(dir, "assets"));
  const asset = path.join(dir, "assets", "app-abc123.js");
  await writeFile(asset, script);
  await writeFile(`${asset}.br`, brotliCompressSync(script));
  await writeFile(`${asset}.gz`, gzipSync(script));
  await writeFile(path.join(dir, "index.html"), "<!doctype html><title>Parley</title>");
  await writeFile(path.join(dir, "robots.txt"), "User-agent: *\n");
  const handler = createStaticHandler(dir);
  server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("static files: precompressed copies by Accept-Encoding", () => {
  it("sends the Brotli copy to a browser that accepts it, cached for a year, immutable", async () => {
    const res = await get("/assets/app-abc123.js", "gzip, deflate, br, zstd");
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers.vary).toBe("accept-encoding");
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
  });

  it("sends gzip when Brotli is not accepted (or refused with q=0)", async () => {
    for (const header of ["gzip", "br;q=0, gzip;q=0.5", "*;q=1, br;q=0"]) {
      const res = await get("/assets/app-abc123.js", header);
      expect(res.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(res.body).toString()).toBe(script);
    }
  });

  it("sends the file as it is without Accept-Encoding, or when no copy exists", async () => {
    const plain = await get("/assets/app-abc123.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    const none = await get("/robots.txt", "br, gzip");
    expect(none.headers["content-encoding"]).toBeUndefined();
    expect(none.body.toString()).toBe("User-agent: *\n");
  });

  it("does not cache index.html for long, even when it stands in for an unknown asset", async () => {
    for (const pathname of ["/", "/rooms/abc", "/assets/gone-123.js"]) {
      const res = await get(pathname, "br");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.body.toString()).toContain("<title>Parley</title>");
    }
  });
});

describe("acceptedCodings", () => {
  it("reads names and q-values", () => {
    expect([...acceptedCodings("gzip, br;q=0.8, zstd;q=0")].sort()).toEqual(["br", "gzip"]);
    expect([...acceptedCodings(undefined)]).toEqual([]);
    expect([...acceptedCodings("*")].sort()).toEqual(["br", "gzip"]);
    expect([...acceptedCodings("identity")]).toEqual(["identity"]);
  });
});
