import { currentPasswordRule, passwordRule } from "@parley/contract/rules";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { useForm } from "../hooks/use-form";
import { fieldErrorsOf, messageOf } from "../lib/errors";
import { WRONG_PASSWORD_IS_UNAUTHORIZED } from "../lib/query-client";
import { useTRPC } from "../lib/trpc";
import { Dialog } from "./dialog";
import { Field } from "./field";

const rules = { currentPassword: currentPasswordRule, newPassword: passwordRule };

/**
 * "Change password": the current one, checked like a login, and a new one. On success every
 * other device is signed out (the server revokes their sessions); this one stays signed in.
 */
export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm(rules, { currentPassword: "", newPassword: "" });
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      meta: { [WRONG_PASSWORD_IS_UNAUTHORIZED]: true },
      onSuccess() {
        void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
      },
      onError(error) {
        const fields = fieldErrorsOf(error);
        form.setErrors(fields);
        // A wrong current password belongs to its field; anything else (too many tries) to the form.
        if (error.data?.code === "UNAUTHORIZED") form.setErrors({ currentPassword: messageOf(error) });
        else if (Object.keys(fields).length === 0) setFormError(messageOf(error));
        const first =
          ["currentPassword", "newPassword"].find((name) => fields[name]) ??
          (error.data?.code === "UNAUTHORIZED" ? "currentPassword" : null);
        if (first) formRef.current?.querySelector<HTMLInputElement>(`#account-${first}`)?.focus();
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (change.isPending) return;
    setFormError(null);
    if (!form.checkAll()) return;
    change.mutate(form.values);
  }

  return (
    <Dialog title="Change password" subtitle="Every other device will be signed out." onClose={onClose}>
      {change.isSuccess ? (
        <>
          <p className="account-success" role="status">
            Password changed. Your other devices were signed out; this one stays signed in.
          </p>
          <button type="button" className="button button-primary" data-autofocus onClick={onClose}>
            Done
          </button>
        </>
      ) : (
        <form ref={formRef} className="account-form" onSubmit={submit} noValidate>
          <Field
            id="account-currentPassword"
            label="Current password"
            type="password"
            autoComplete="current-password"
            data-autofocus
            value={form.values.currentPassword}
            onChange={(e) => form.setValue("currentPassword", e.target.value)}
            error={form.errors.currentPassword}
          />
          <Field
            id="account-newPassword"
            label="New password"
            type="password"
            autoComplete="new-password"
            hint="At least 8 characters."
            value={form.values.newPassword}
            onChange={(e) => form.setValue("newPassword", e.target.value)}
            onBlur={(e) => form.touch("newPassword", e.target.value)}
            error={form.errors.newPassword}
          />
          {formError ? (
            <p className="form-error" role="alert">
              {formError}
            </p>
          ) : null}
          <button type="submit" className="button button-primary" aria-disabled={change.isPending || undefined}>
            {change.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            Change password
          </button>
        </form>
      )}
    </Dialog>
  );
}
