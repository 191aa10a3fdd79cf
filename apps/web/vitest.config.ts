import react from "@vitejs/plugin-react";
import { defineProject } from "vitest/config";

// Component tests (*.test.tsx) run in jsdom. Pure logic tests (*.test.ts) run in the root
// "unit" project under Node, like every other package's.
export default defineProject({
  plugins: [react()],
  test: {
    name: "web",
    environment: "./test/jsdom-environment.ts",
    include: ["src/**/*.test.tsx"],
    setupFiles: ["./src/test-setup.ts"],
    testTimeout: 20_000,
  },
});
