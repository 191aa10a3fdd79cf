import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it, vi } from "vitest";
import { StaticSessionProvider, type Session } from "../hooks/use-session";
import { AuthScreen } from "./auth-screen";

/**
 * A tRPC error as the server sends it: code, message, the flattened zod error, and whatever else
 * the server puts in `data` (a CONFLICT's `field`).
 */
function serverError(code: string, message: string, fieldErrors: Record<string, string[]> = {}, data: Record<string, unknown> = {}) {
  return new TRPCClientError(message, {
    result: {
      error: {
        code: -32600,
        message,
        data: { code, httpStatus: 400, zodError: code === "BAD_REQUEST" ? { formErrors: [], fieldErrors } : null, ...data },
      },
    },
  });
}

function renderScreen(overrides: Partial<Session> = {}) {
  const session: Session = {
    me: null,
    meError: false,
    signUp: vi.fn(() => Promise.resolve()),
    logIn: vi.fn(() => Promise.resolve()),
    logOut: vi.fn(() => Promise.resolve()),
    ...overrides,
  };
  render(
    <StaticSessionProvider value={session}>
      <AuthScreen />
    </StaticSessionProvider>,
  );
  return session;
}

describe("AuthScreen", () => {
  it("offers exactly one 'Log in' and one 'Sign up' control at a time", async () => {
    renderScreen();
    expect(screen.getAllByRole("button", { name: "Log in" })).toHaveLength(1);
    expect(screen.getAllByRole("button", { name: "Sign up" })).toHaveLength(1);
    expect(screen.getByLabelText("Username or email")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));
    expect(screen.getAllByRole("button", { name: "Log in" })).toHaveLength(1);
    expect(screen.getAllByRole("button", { name: "Sign up" })).toHaveLength(1);
    expect(screen.getByLabelText("Username")).toBeTruthy();
    expect(screen.getByLabelText("Email")).toBeTruthy();
    expect(screen.getByLabelText("Password")).toBeTruthy();
  });

  it("shows the server's zodError next to each field", async () => {
    const signUp = vi.fn(() =>
      Promise.reject(
        serverError("BAD_REQUEST", "Invalid input", {
          username: ["Username must be 3–32 letters, digits or underscores"],
          password: ["Password must be at least 8 characters"],
        }),
      ),
    );
    renderScreen({ signUp });
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));
    await userEvent.type(screen.getByLabelText("Username"), "x!");
    await userEvent.type(screen.getByLabelText("Email"), "x@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));

    expect(signUp).toHaveBeenCalledWith({ username: "x!", email: "x@example.com", password: "short" });
    const username = screen.getByLabelText("Username");
    expect(username.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(username.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Username must be 3–32 letters, digits or underscores",
    );
    const password = screen.getByLabelText("Password");
    expect(document.getElementById(password.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Password must be at least 8 characters",
    );
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBeNull();
    // The first field in error gets the focus, so a keyboard user lands on it.
    expect(document.activeElement).toBe(username);
  });

  it.each([
    { field: "email", label: "Email", message: "That email is already registered" },
    { field: "username", label: "Username", message: "The username 'alice' is taken" },
    // The data decides, not the wording: this message names neither field.
    { field: "email", label: "Email", message: "Already in use" },
  ])("puts a taken $field under $label, as the CONFLICT's data.field says ($message)", async ({ field, label, message }) => {
    renderScreen({ signUp: () => Promise.reject(serverError("CONFLICT", message, {}, { field })) });
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));
    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.type(screen.getByLabelText("Email"), "a@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "long enough");
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));
    const input = screen.getByLabelText(label);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(input.getAttribute("aria-describedby") ?? "")?.textContent).toBe(message);
    // Only that field is marked, and the message is not repeated for the whole form.
    const other = screen.getByLabelText(label === "Email" ? "Username" : "Email");
    expect(other.getAttribute("aria-invalid")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(document.activeElement).toBe(input);
  });

  it("checks a field with the shared schema when it loses focus", async () => {
    renderScreen();
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));
    await userEvent.type(screen.getByLabelText("Email"), "not-an-email");
    await userEvent.tab();
    expect(screen.getByText("Enter a valid email address")).toBeTruthy();
    // Fixing it clears the error while typing.
    await userEvent.type(screen.getByLabelText("Email"), "@example.com");
    expect(screen.queryByText("Enter a valid email address")).toBeNull();
  });

  it("says a failed login once, for the whole form", async () => {
    const logIn = vi.fn(() => Promise.reject(serverError("UNAUTHORIZED", "Wrong username, email or password")));
    renderScreen({ logIn });
    await userEvent.type(screen.getByLabelText("Username or email"), "alice@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "wrong password");
    await userEvent.keyboard("{Enter}");
    expect(logIn).toHaveBeenCalledWith({ login: "alice@example.com", password: "wrong password" });
    expect(screen.getByRole("alert").textContent).toBe("Wrong username, email or password");
  });
});

describe("AuthScreen after the server signed the page out", () => {
  it("says why: a password changed elsewhere, a revoked session, a sign-out", () => {
    renderScreen({ signedOut: "password-changed" });
    expect(screen.getByRole("status").textContent).toMatch(/^Your password was changed on another device/);
  });
  it("says nothing when nobody signed it out", () => {
    renderScreen();
    expect(screen.queryByRole("status")).toBeNull();
  });
});
