import type { User } from "./types";

/** The public part of a user: what other people may see (never the email, even given a Me). */
export function publicUser(user: User): User {
  return {
    id: user.id,
    username: user.username,
    createdAt: user.createdAt,
    ...(user.deactivated ? { deactivated: true as const } : {}),
  };
}
