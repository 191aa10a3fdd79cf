// @parley/api/transport: what a server's HTTP and WebSocket layers plug into: the call contexts,
// the frames a direct stream writes, the metrics interface and the logger type.
export { clientAddressOf, createHttpContext, createWsContext } from "./context";
export { isDirectStream, responsePrefix, type EventFrame, type FrameSink } from "./stream/direct-stream";
export { noopMetrics, topicKind, type ApiMetrics, type Count, type Level, type Timing } from "./metrics";
export { retryAfterHeaders } from "./lib/retry-later";
export type { Logger } from "./log";
