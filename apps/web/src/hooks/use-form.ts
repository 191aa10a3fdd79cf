import { useCallback, useState } from "react";
import type { FieldRule } from "@parley/contract/rules";
import type { FieldErrors } from "../lib/errors";

type Rules<K extends string> = Record<K, FieldRule>;

/** The first message a field's rule gives for `value`, or null when it is fine. */
export function checkField(rule: FieldRule, value: string): string | null {
  return rule(value);
}

/**
 * Form state checked field by field with the contract's own rules (@parley/contract/rules, the
 * zod schemas' messages without zod): a field is checked when it loses focus (once something
 * was typed) and again as it is corrected. On submit the server decides, and its `zodError`
 * lands in the same `errors`.
 */
export function useForm<K extends string>(rules: Rules<K>, initial: Record<K, string>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});

  const setValue = useCallback(
    (name: K, value: string) => {
      setValues((v) => ({ ...v, [name]: value }));
      // Clear a shown error as soon as the value is right; never add one while typing.
      setErrors((e) => (e[name] && !rules[name](value) ? { ...e, [name]: undefined } : e));
    },
    [rules],
  );

  const touch = useCallback(
    (name: K, value: string) => {
      if (value === "") return;
      const message = rules[name](value);
      setErrors((e) => ({ ...e, [name]: message ?? undefined }));
    },
    [rules],
  );

  /** Checks every field now (before a submit); shows what fails and says whether all passed. */
  const checkAll = useCallback((): boolean => {
    const found: FieldErrors = {};
    for (const name of Object.keys(rules) as K[]) {
      const message = rules[name](values[name]);
      if (message) found[name] = message;
    }
    setErrors(found);
    return Object.keys(found).length === 0;
  }, [rules, values]);

  return { values, errors, setErrors, setValue, touch, checkAll };
}
