import Bowser from "bowser";

/** What auth.sessions says about the device behind a session's User-Agent. */
export type DeviceDescription = {
  /** "Chrome on Linux", "Safari on iOS", "Firefox"; "Unknown device" without a User-Agent. */
  name: string;
  /** The browser's version ("131.0.0.0"), or null when the User-Agent names none. */
  browserVersion: string | null;
};

/**
 * A session's device as a person names it, from the User-Agent that opened it. Made here, on the
 * server, so the web app does not ship a User-Agent parser. Programs that send none (the CLI,
 * bots) are "Unknown device"; a User-Agent that names no browser is shown as its first word
 * ("parley-cli/1.0").
 */
export function describeDevice(userAgent: string | null): DeviceDescription {
  if (!userAgent) return { name: "Unknown device", browserVersion: null };
  const { browser, os } = Bowser.parse(userAgent);
  const name = browser.name || userAgent.split(/\s/)[0] || "Unknown device";
  return { name: os.name ? `${name} on ${os.name}` : name, browserVersion: (browser.name && browser.version) || null };
}
