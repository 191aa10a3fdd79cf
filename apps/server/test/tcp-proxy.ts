import net from "node:net";

/**
 * A TCP proxy in front of the server, so a test can cut the network under a live client (every
 * open connection dies at once) while the server itself keeps running.
 */
export async function startProxy(targetPort: number): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const pairs = new Set<{ a: net.Socket; b: net.Socket }>();
  const server = net.createServer((a) => {
    const b = net.connect(targetPort, "127.0.0.1");
    const pair = { a, b };
    pairs.add(pair);
    a.pipe(b).pipe(a);
    const drop = () => {
      a.destroy();
      b.destroy();
      pairs.delete(pair);
    };
    a.on("error", drop).on("close", drop);
    b.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    for (const { a, b } of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
