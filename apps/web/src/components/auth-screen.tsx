import { useState } from "react";
import type { SessionEndReason } from "@parley/client";
import { useSession } from "../hooks/use-session";
import { LogoMark } from "./icons";
import { LoginForm } from "./login-form";
import { SignupForm } from "./signup-form";
import "./auth-screen.css";

type Mode = "login" | "signup";

/** What the sign-in screen says when the server ended the session. */
export const SIGNED_OUT_BECAUSE: Record<SessionEndReason, string> = {
  "password-changed": "Your password was changed on another device. Log in with the new one.",
  revoked: "This session was revoked. Log in again to continue.",
  "logged-out": "Signed out. Log in again to continue.",
};

/**
 * The first screen. Exactly one button is named "Log in" and one "Sign up" at any time: the
 * form's submit button, and the switch to the other form.
 */
export function AuthScreen() {
  const [mode, setMode] = useState<Mode>("login");
  const { signedOut } = useSession();
  return (
    <div className="auth">
      <main className="auth-panel">
        <div className="auth-card">
          <div className="auth-brand">
            <LogoMark size={36} />
            <span>Parley</span>
          </div>
          <h1 className="auth-title">{mode === "login" ? "Welcome back" : "Create your account"}</h1>
          <p className="auth-subtitle">
            {mode === "login" ? "Log in to pick up the conversation." : "It takes ten seconds. No email confirmation."}
          </p>
          {signedOut ? (
            <p className="auth-notice" role="status">
              {SIGNED_OUT_BECAUSE[signedOut]}
            </p>
          ) : null}
          {mode === "login" ? <LoginForm key="login" /> : <SignupForm key="signup" />}
          <p className="auth-switch">
            {mode === "login" ? "New to Parley?" : "Already have an account?"}{" "}
            <button type="button" className="link-button" onClick={() => setMode(mode === "login" ? "signup" : "login")}>
              {mode === "login" ? "Sign up" : "Log in"}
            </button>
          </p>
        </div>
      </main>
      <aside className="auth-showcase" aria-hidden="true">
        <div className="showcase-inner">
          <p className="showcase-kicker">Real-time rooms</p>
          <p className="showcase-title">Conversations that keep up with you.</p>
          <div className="showcase-bubbles">
            <div className="bubble bubble-in">Deploy is green, ship it?</div>
            <div className="bubble bubble-out">Nice, merging the docs PR now</div>
            <div className="bubble bubble-in">
              <span className="dots">
                <i />
                <i />
                <i />
              </span>
            </div>
          </div>
          <ul className="showcase-points">
            <li>Live typing, presence and edits</li>
            <li>Picks up where it left off after a dropped connection</li>
            <li>Light and dark, phone and desktop</li>
          </ul>
        </div>
      </aside>
    </div>
  );
}
