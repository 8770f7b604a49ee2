// What each fleet process reports of itself to the bench: CPU seconds since
// it started and its heap, in one shape for the fake, the simulator and the
// controllers.

const started = process.cpuUsage();

/** CPU seconds (user + system) this process has used since this module loaded. */
export function cpuSeconds(): number {
  const usage = process.cpuUsage(started);
  return (usage.user + usage.system) / 1e6;
}

/** The answer to the bench's "cpu" message. */
export function cpuMessage(): { type: "cpu"; seconds: number; heapUsed: number } {
  return { type: "cpu", seconds: cpuSeconds(), heapUsed: process.memoryUsage().heapUsed };
}
