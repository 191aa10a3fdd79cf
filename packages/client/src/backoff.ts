/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from 0.5 s up to 10 s, each
 * delay jittered by ±50 % so that clients dropped together do not all come back together. The
 * cap is low because a person is usually waiting on the other side of a dropped chat.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** attempt);
  return Math.round(base * (0.5 + random()));
}
