// A remote control for one real socket.io-client, used by the Parley tests: one JSON command per stdin line,
// one JSON report per stdout line. Binary arguments travel as {"$binary": "<base64>"} both ways.
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

let socket = null;

const report = (value) => process.stdout.write(JSON.stringify(value) + "\n");

const toWire = (value) => {
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === "object") {
    if (typeof value.$binary === "string") return Buffer.from(value.$binary, "base64");
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
};

const fromWire = (value) => {
  if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("base64") };
  if (ArrayBuffer.isView(value)) return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
  return value;
};

const commands = {
  connect({ url, options }) {
    socket = io(url, { reconnectionDelay: 100, reconnectionDelayMax: 500, ...options });
    socket.on("connect", () => report({ type: "connect", id: socket.id, recovered: socket.recovered, transport: socket.io.engine.transport.name }));
    socket.on("connect_error", (err) => report({ type: "connect_error", message: err.message, data: err.data ?? null }));
    socket.on("disconnect", (reason) => report({ type: "disconnect", reason }));
    socket.onAny((name, ...args) => report({ type: "event", name, args: fromWire(args) }));
    socket.io.on("open", () => socket.io.engine.on("upgrade", (t) => report({ type: "upgrade", transport: t.name })));
  },
  async emit({ id, name, args = [], ack = true, timeout = 10000 }) {
    if (!ack) return socket.emit(name, ...toWire(args));
    try {
      const answer = await socket.timeout(timeout).emitWithAck(name, ...toWire(args));
      report({ type: "ack", id, args: fromWire([answer]) });
    } catch (err) {
      report({ type: "ack_timeout", id, message: err.message });
    }
  },
  // A network drop: the engine closes without a disconnect packet, so the client reconnects and asks for recovery.
  drop() { socket.io.engine.close(); },
  disconnect() { socket.disconnect(); },
  reconnect() { socket.connect(); },
  exit() { socket?.disconnect(); process.exit(0); },
};

createInterface({ input: process.stdin }).on("line", async (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  try {
    await commands[command.cmd](command);
  } catch (err) {
    report({ type: "error", cmd: command.cmd, message: String(err?.stack ?? err) });
  }
});
process.stdin.on("end", () => process.exit(0));
report({ type: "started" });
