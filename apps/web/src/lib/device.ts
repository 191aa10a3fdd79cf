import Bowser from "bowser";

/**
 * A session's device as a person names it, from the User-Agent that opened it: "Chrome on
 * Linux", "Safari on iOS", "Firefox". Programs that send none (the CLI, bots) are "Unknown device";
 * a User-Agent that names no browser is shown as its first word ("parley-cli/1.0").
 */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const { browser, os } = Bowser.parse(userAgent);
  const name = browser.name || userAgent.split(/\s/)[0] || "Unknown device";
  return os.name ? `${name} on ${os.name}` : name;
}
