import { errorField } from "@parley/client";
import { emailRule, passwordRule, usernameRule } from "@parley/contract/rules";
import { useRef, useState, type FormEvent } from "react";
import { useForm } from "../hooks/use-form";
import { useSession } from "../hooks/use-session";
import { fieldErrorsOf, messageOf, type FieldErrors } from "../lib/errors";
import { Field } from "./field";

// The server's own schemas: the browser says exactly what the server would.
const rules = { username: usernameRule, email: emailRule, password: passwordRule };

/** Creates an account; the server's field errors show next to their fields. */
export function SignupForm() {
  const session = useSession();
  const form = useForm(rules, { username: "", email: "", password: "" });
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFormError(null);
    try {
      await session.signUp(form.values);
    } catch (error) {
      const fields: FieldErrors = fieldErrorsOf(error);
      // A CONFLICT names the taken field (username or email) in `error.data.field`.
      const taken = errorField(error);
      if (taken === "username" || taken === "email") fields[taken] = messageOf(error);
      form.setErrors(fields);
      if (Object.keys(fields).length === 0) setFormError(messageOf(error));
      const first = ["username", "email", "password"].find((name) => fields[name]);
      if (first) formRef.current?.querySelector<HTMLInputElement>(`#signup-${first}`)?.focus();
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field
        id="signup-username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        value={form.values.username}
        onChange={(e) => form.setValue("username", e.target.value)}
        onBlur={(e) => form.touch("username", e.target.value)}
        error={form.errors.username}
        hint="3–32 letters, digits or underscores"
      />
      <Field
        id="signup-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={form.values.email}
        onChange={(e) => form.setValue("email", e.target.value)}
        onBlur={(e) => form.touch("email", e.target.value)}
        error={form.errors.email}
      />
      <Field
        id="signup-password"
        label="Password"
        type="password"
        autoComplete="new-password"
        value={form.values.password}
        onChange={(e) => form.setValue("password", e.target.value)}
        onBlur={(e) => form.touch("password", e.target.value)}
        error={form.errors.password}
        hint="At least 8 characters"
      />
      {formError ? (
        <p className="form-error" role="alert">
          {formError}
        </p>
      ) : null}
      <button type="submit" className="button button-primary button-block" aria-disabled={busy || undefined}>
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        Sign up
      </button>
    </form>
  );
}
