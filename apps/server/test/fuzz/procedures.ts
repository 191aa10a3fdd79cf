import { appRouter } from "@parley/api";
import { z } from "zod";

/** The subset of JSON Schema that zod's toJSONSchema gives for Parley's inputs. */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

export type ProcedureKind = "query" | "mutation" | "subscription";

/** One procedure as the fuzzer sees it: its path, kind and input schema (null: no input). */
export type FuzzProcedure = { path: string; kind: ProcedureKind; input: JsonSchema | null };

type RouterProcedure = { _def: { type: ProcedureKind; inputs: z.ZodType[] } };

/**
 * Every procedure of the real appRouter with its input schema as JSON Schema (the zod schema's
 * input side; refinements are the server's to check). Read from the router, never listed by
 * hand, so a new procedure is fuzzed the day it lands.
 */
export function listProcedures(): FuzzProcedure[] {
  return Object.entries(appRouter._def.procedures as unknown as Record<string, RouterProcedure>)
    .map(([path, procedure]) => {
      const [schema] = procedure._def.inputs;
      const input = schema ? (z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema) : null;
      return { path, kind: procedure._def.type, input };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
