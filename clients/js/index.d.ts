// @parley/client: typed REST calls for every route and the WebSocket gateway.
import type { ParleyApi } from './api.js';
import type { GatewayEvents, GatewayRequests } from './events.js';
import type { Attachment } from './models.js';

export type * from './models.js';
export type * from './api.js';
export type * from './events.js';

type Credential = string | null | undefined | (() => string | null | undefined);

export interface ClientOptions {
  /** The server, e.g. "http://localhost:5000"; empty in a browser served by it (relative URLs). */
  baseUrl?: string;
  /** Bearer token, or a function read at every call. */
  token?: Credential;
  /** A server API key (Authorization: ApiKey …) instead of a token; `actAs` a bot of that key (Parley-Act-As). */
  apiKey?: Credential;
  actAs?: Credential;
  /** The dialect asked for (Parley-Profile header, ?profile=); default "parley". */
  profile?: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** A WebSocket constructor where the platform has none. */
  WebSocket?: unknown;
  /** Called when an authenticated request comes back 401 (expired or revoked token). */
  onUnauthorized?: () => void;
}

export interface GatewayOptions extends Pick<ClientOptions, 'baseUrl' | 'token' | 'apiKey' | 'profile' | 'WebSocket'> {
  /** Open /ws/{userId} (a bot's socket with an API key) instead of /ws. */
  userId?: string;
  /** Resume from here on the first connect too (a cursor kept from an earlier session). */
  cursor?: number;
  backoffMs?: number[];
  pingIntervalMs?: number;
  ackTimeoutMs?: number;
  resumeTimeoutMs?: number;
  /** How many cursors are remembered for de-duplication. */
  seenLimit?: number;
  /** Where a throwing handler is reported; default console.error. */
  onError?: (error: unknown) => void;
}

export declare class ParleyError extends Error {
  /** HTTP status (0: no answer: network, timeout, offline, disconnected, aborted). */
  status: number;
  /** The server's error code (not_found, validation_error, blocked, …) or the client's own. */
  code: string;
  details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown);
  describe(): string;
  static from(status: number, body: unknown): ParleyError;
}

export type GatewayStatus = 'offline' | 'connecting' | 'online' | 'reconnecting';
export type EventName = keyof GatewayEvents;
export interface GatewayEvent<K extends string = string> {
  type: K;
  /** The event's place in the log; null for ephemeral events (typing, presence, ready). */
  cursor: number | null;
  data: K extends EventName ? GatewayEvents[K] : unknown;
}
export interface ResumeResult { complete: boolean; replayed: number; gap: boolean }
type Unsubscribe = () => void;

export declare class Gateway {
  constructor(options?: GatewayOptions);
  readonly status: GatewayStatus;
  /** The highest cursor seen: where the next resume starts. */
  readonly cursor: number | null;
  on<K extends EventName>(type: K, handler: (data: GatewayEvents[K], event: GatewayEvent<K>) => void): Unsubscribe;
  on(type: string, handler: (data: unknown, event: GatewayEvent) => void): Unsubscribe;
  onAny(handler: (event: GatewayEvent) => void): Unsubscribe;
  onStatus(handler: (status: GatewayStatus) => void): Unsubscribe;
  /** After each reconnect's resume; complete false: refetch over REST (events expired, or dropped again). */
  onResumed(handler: (result: ResumeResult) => void): Unsubscribe;
  /** The token may be dead: a 4401/1008 close (code), or three failed connects in a row (0). */
  onAuthProblem(handler: (closeCode: number) => void): Unsubscribe;
  start(): void;
  stop(): void;
  wake(): void;
  drop(): void;
  ready(timeoutMs?: number): Promise<boolean>;
  request<K extends keyof GatewayRequests>(type: K, data?: GatewayRequests[K][0], options?: { timeoutMs?: number }): Promise<GatewayRequests[K][1]>;
  request(type: string, data?: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  send<K extends keyof GatewayRequests>(type: K, data?: GatewayRequests[K][0]): void;
}

export interface UploadOptions { conversationId?: string; name?: string; onProgress?: (fraction: number) => void; signal?: AbortSignal }

export declare class ParleyClient {
  constructor(options?: ClientOptions);
  readonly options: ClientOptions;
  readonly api: ParleyApi;
  upload(file: Blob, options?: UploadOptions): Promise<Attachment>;
  gateway(options?: GatewayOptions): Gateway;
}

export declare function createClient(options?: ClientOptions): ParleyClient;
/** [method name, HTTP method, path template, kind] of every route. */
export declare const routes: ReadonlyArray<readonly [string, string, string, ('raw' | undefined)?]>;
export declare function paramsOf(template: string): string[];

// Only what is exported above is public.
export {};
