// The DOM for component tests, from this package's own jsdom. Vitest's built-in "jsdom"
// environment imports jsdom from wherever vitest itself is installed, and from the repository
// root that can be a jsdom too new for Node 20 (jsdom 30+ needs Node 22). jsdom 29 is the last
// that runs on Node 20; importing it here pins the tests to it wherever vitest is started.
import { JSDOM } from "jsdom";
import { populateGlobal, type Environment } from "vitest/environments";

export default {
  name: "parley-jsdom",
  viteEnvironment: "client",
  setup(global: Record<string, unknown>) {
    const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", {
      url: "http://localhost:3000/",
      pretendToBeVisual: true,
    });
    const { keys, originals } = populateGlobal(global, dom.window, { bindFunctions: true });
    return {
      teardown(g: Record<string, unknown>) {
        dom.window.close();
        for (const key of keys) delete g[key];
        originals.forEach((value, key) => {
          g[key as string] = value;
        });
      },
    };
  },
} satisfies Environment;
