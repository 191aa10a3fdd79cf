// argon2@0.44.0 on purpose: its bundled prebuild works on Node 20 here, while 0.45.x's prebuild
// crashes with a segmentation fault and would need a source build (see TOOLCHAIN.md).
import argon2 from "argon2";

/** argon2id with OWASP's minimum: 19 MiB, two passes, one lane (about 20 ms a hash here). */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash never logs anyone in
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the same time as a real check when the login names nobody, so response times do not
 * tell whether an account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("parley-dummy-password-never-matches");
  await verifyPassword(await dummyHash, password);
  return false;
}
