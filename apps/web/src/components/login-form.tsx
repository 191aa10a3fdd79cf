import { loginPasswordRule, loginRule } from "@parley/contract/rules";
import { useRef, useState, type FormEvent } from "react";
import { useForm } from "../hooks/use-form";
import { useSession } from "../hooks/use-session";
import { fieldErrorsOf, messageOf } from "../lib/errors";
import { Field } from "./field";

const rules = { login: loginRule, password: loginPasswordRule };

/** Logs in with a username or an email. */
export function LoginForm() {
  const session = useSession();
  const form = useForm(rules, { login: "", password: "" });
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFormError(null);
    try {
      await session.logIn(form.values);
    } catch (error) {
      const fields = fieldErrorsOf(error);
      form.setErrors(fields);
      // A wrong password reads the same as an unknown user: it belongs to the form, not a field.
      if (Object.keys(fields).length === 0) setFormError(messageOf(error));
      const first = ["login", "password"].find((name) => fields[name]);
      if (first) formRef.current?.querySelector<HTMLInputElement>(`#login-${first}`)?.focus();
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field
        id="login-login"
        label="Username or email"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        value={form.values.login}
        onChange={(e) => form.setValue("login", e.target.value)}
        error={form.errors.login}
      />
      <Field
        id="login-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        value={form.values.password}
        onChange={(e) => form.setValue("password", e.target.value)}
        error={form.errors.password}
      />
      {formError ? (
        <p className="form-error" role="alert">
          {formError}
        </p>
      ) : null}
      <button type="submit" className="button button-primary button-block" aria-disabled={busy || undefined}>
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        Log in
      </button>
    </form>
  );
}
