/**
 * Parses a public event id (a room's sequence number, in decimal); null when it is not one this
 * server could have issued. room.events' lastEventId and room.markRead's eventId both read ids so.
 */
export function parseEventId(id: string): bigint | null {
  return /^[1-9][0-9]{0,18}$/.test(id) ? BigInt(id) : null;
}
