import { titleWithCount } from "./unread";

// The tab's title has two authors: the open room names it ("#general · Parley") and the room
// list counts what is unread ("(3) …"). Each sets its half; the title is rewritten from both.

let base = "Parley";
let count = 0;

function write() {
  document.title = titleWithCount(base, count);
}

/** The room part of the title ("Parley" with no room open). */
export function setTitleBase(next: string): void {
  base = next;
  write();
}

/** The unread total shown in front of it. */
export function setTitleCount(next: number): void {
  count = next;
  write();
}
