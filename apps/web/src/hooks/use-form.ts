import { useCallback, useState } from "react";
import type { z } from "zod";
import type { FieldErrors } from "../lib/errors";

type Schemas<K extends string> = Record<K, z.ZodType>;

/** The first message a field's schema gives for `value`, or null when it is fine. */
export function checkField(schema: z.ZodType, value: string): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? "Invalid value");
}

/**
 * Form state checked field by field with the server's own zod schemas: a field is checked when
 * it loses focus (once something was typed) and again as it is corrected. On submit the server
 * decides, and its `zodError` lands in the same `errors`.
 */
export function useForm<K extends string>(schemas: Schemas<K>, initial: Record<K, string>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});

  const setValue = useCallback(
    (name: K, value: string) => {
      setValues((v) => ({ ...v, [name]: value }));
      // Clear a shown error as soon as the value is right; never add one while typing.
      setErrors((e) => (e[name] && !checkField(schemas[name], value) ? { ...e, [name]: undefined } : e));
    },
    [schemas],
  );

  const touch = useCallback(
    (name: K, value: string) => {
      if (value === "") return;
      const message = checkField(schemas[name], value);
      setErrors((e) => ({ ...e, [name]: message ?? undefined }));
    },
    [schemas],
  );

  return { values, errors, setErrors, setValue, touch };
}
