// @parley/api: the tRPC router and everything behind it. This file is its only public surface.
export { appRouter, type AppRouter, type RouterInputs, type RouterOutputs } from "./root";
export { createCallerFactory } from "./trpc";
export type { CallSocket, Context } from "./context";
export { clientAddressOf, createHttpContext, createWsContext, SESSION_COOKIE } from "./context";
export type { ApiConfig, ApiDeps } from "./deps";
export { silentLogger, type Logger } from "./log";
export { noopMetrics, topicKind, type ApiMetrics, type Count, type Level, type Timing } from "./metrics";
export type { Hub, Unsubscribe } from "./hub/hub";
export { topics, type Channel, type Codec } from "./hub/topics";
export { MemoryHub } from "./hub/memory-hub";
export { RedisHub, type RedisHubOptions } from "./hub/redis-hub";
export { RateLimiter, rulesFromEnv } from "./services/rate-limit";
export { PasswordHasher } from "./services/passwords";
export { RetryLaterError, retryAfterHeaders } from "./lib/retry-later";
export { RoomChannels } from "./stream/room-channels";
export { SubscriptionSlots } from "./services/subscription-slots";
export { createSendBatcher, SendBatcher, type BatchWriter, type SendResult } from "./services/send-batcher";
export { SocketRegistry, SESSION_REVOKED_CLOSE_CODE, parseSessionEnded } from "./services/socket-registry";
export { startSessionSweep } from "./services/session-sweep";
export {
  DirectStream,
  eventFrame,
  isDirectStream,
  responsePrefix,
  type EventFrame,
  type FrameSink,
} from "./stream/direct-stream";
/** The membership procedures' permission rules, as the repository re-checks them under a room's lock. */
export { guards } from "./services/access";
