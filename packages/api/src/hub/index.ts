// @parley/api/hub: the publish/subscribe the servers share, and its named topics.
export type { Hub } from "./hub";
export { MemoryHub } from "./memory-hub";
export { RedisHub } from "./redis-hub";
export { topics, type Channel } from "./topics";
