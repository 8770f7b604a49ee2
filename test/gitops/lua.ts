// Runs the Argo CD health check the way Argo CD does: the object as the
// global `obj` (a Lua table), the script's return value `hs`.
import { spawnSync } from "node:child_process";

/** A Lua 5.1 table literal of a JSON value (arrays 1-based, as Argo CD's conversion makes them). */
export function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "nil";
  if (typeof value === "string") return luaString(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(", ")}}`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, item]) => `[${luaString(key)}] = ${luaLiteral(item)}`,
  );
  return `{${entries.join(", ")}}`;
}

function luaString(text: string): string {
  // Decimal escapes for every byte outside printable ASCII keep the literal 5.1-safe.
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    out += byte >= 0x20 && byte < 0x7f && char !== '"' && char !== "\\" ? char : `\\${byte}`;
  }
  return `${out}"`;
}

/** The Lua 5.1 interpreter's name, or undefined when it is not installed. */
export function findLua(): string | undefined {
  for (const name of ["lua5.1", "lua"]) {
    const probe = spawnSync(name, ["-v"], { encoding: "utf8" });
    if (probe.status === 0 && /Lua 5\.1/.test(`${probe.stdout}${probe.stderr}`)) return name;
  }
  return undefined;
}

/** The `hs` the script returns for an object. */
export function runHealthCheck(
  lua: string,
  scriptPath: string,
  object: unknown,
): { status: string; message: string } {
  const program = [
    `obj = ${luaLiteral(object)}`,
    `local check = assert(loadfile(${luaString(scriptPath)}))`,
    "local hs = check()",
    'io.write(tostring(hs.status), "\\n", tostring(hs.message or ""))',
  ].join("\n");
  const result = spawnSync(lua, ["-"], { input: program, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`lua failed: ${result.stderr}`);
  const [status = "", ...message] = result.stdout.split("\n");
  return { status, message: message.join("\n") };
}
