// Base styles first: the tokens and primitives every component's own CSS builds on.
import "./styles/base.css";
import "./styles/shell.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { createAuthApi } from "./lib/auth-api";
import { Connection } from "./lib/connection";
import { createQueryClient } from "./lib/query-client";

// The page talks to the server it came from: the socket and the auth calls share its origin,
// so the session cookie goes with both.
const origin = window.location.origin;
const connection = new Connection(origin);
const authApi = createAuthApi(origin);
const queryClient = createQueryClient();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App connection={connection} authApi={authApi} queryClient={queryClient} />
    </StrictMode>,
  );
}
